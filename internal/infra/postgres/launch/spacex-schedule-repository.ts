import { type Kysely, type Selectable, sql } from "kysely";
import type { SpacexScheduleRepository } from "../../../app/launch/ports.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { DatePrecision, SpacexLaunch } from "../../../domain/launch/launch.js";
import type { Database, SpacexLaunchTable } from "../schema.js";

/** A mirror row plus its pad-local day (computed in SQL from the pad's zone). */
export type SpacexLaunchRow = Omit<Selectable<SpacexLaunchTable>, "synced_at"> & { launch_date: string | null };

export function toSpacexLaunch(row: SpacexLaunchRow): SpacexLaunch {
  return {
    id: row.id,
    name: row.name,
    flightNumber: row.flight_number ?? undefined,
    launchpadId: row.launchpad_id ?? undefined,
    dateUtc: row.date_utc,
    datePrecision: row.date_precision as DatePrecision,
    upcoming: row.upcoming,
    launchDate: (row.launch_date ?? undefined) as CalendarDate | undefined,
  };
}

/** Reads the mirror of SpaceX's schedule. `db` may be a transaction. */
export function createSpacexScheduleRepository(db: Kysely<Database>): SpacexScheduleRepository {
  return {
    async findBlocking(launchpadId, launchDate) {
      // The pad-local day of a SpaceX launch is its UTC instant seen in the pad's zone. The
      // range on date_utc (one day either side covers every zone offset) lets the partial index
      // spacex_launches_blocking narrow the rows before the exact per-zone comparison.
      const { rows } = await sql<SpacexLaunchRow>`
        select s.id, s.name, s.flight_number, s.launchpad_id, s.date_utc, s.date_precision, s.upcoming,
               (s.date_utc at time zone p.time_zone)::date as launch_date
          from spacex_launches s
          join launchpads p on p.id = s.launchpad_id
         where s.launchpad_id = ${launchpadId}
           and s.date_precision in ('hour', 'day')
           and s.date_utc >= ${launchDate}::date - 1 and s.date_utc < ${launchDate}::date + 2
           and (s.date_utc at time zone p.time_zone)::date = ${launchDate}::date
         order by s.date_utc
         limit 1`.execute(db);
      return rows[0] && toSpacexLaunch(rows[0]);
    },
  };
}

import { type Kysely, type Selectable, sql } from "kysely";
import type { LaunchListItem, LaunchRepository } from "../../../app/launch/ports.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { Destination } from "../../../domain/launch/destination.js";
import type { DatePrecision, Launch, LaunchCancelReason, LaunchStatus, SpacexLaunch } from "../../../domain/launch/launch.js";
import { decodeLaunchCursor, encodeLaunchCursor } from "./cursors.js";
import { keysetPage } from "../keyset-page.js";
import type { Database, LaunchTable, SpacexLaunchTable } from "../schema.js";

export function toLaunch(row: Selectable<LaunchTable>): Launch {
  return {
    id: row.id,
    launchpadId: row.launchpad_id,
    launchDate: row.launch_date as CalendarDate,
    destination: row.destination as Destination,
    capacity: row.capacity,
    bookedSeats: row.booked_seats,
    status: row.status as LaunchStatus,
    cancelReason: (row.cancel_reason ?? undefined) as LaunchCancelReason | undefined,
    spacexLaunchId: row.spacex_launch_id ?? undefined,
    createdAt: row.created_at,
    cancelledAt: row.cancelled_at ?? undefined,
  };
}

/** Our launches. `db` must be a transaction for lock/releaseSeat. */
export function createLaunchRepository(db: Kysely<Database>): LaunchRepository {
  return {
    async lock(launchId) {
      const row = await db.selectFrom("launches").selectAll().where("id", "=", launchId).forUpdate().executeTakeFirstOrThrow();
      return toLaunch(row);
    },

    async releaseSeat(launchId, now) {
      // The last passenger leaving cancels the launch, which frees the pad, the day and the
      // destination (the unique indexes only cover scheduled launches).
      const row = await db
        .updateTable("launches")
        .set({
          booked_seats: sql`booked_seats - 1`,
          status: sql`case when booked_seats = 1 then 'cancelled' else status end`,
          cancel_reason: sql`case when booked_seats = 1 then 'no_passengers' else cancel_reason end`,
          cancelled_at: sql`case when booked_seats = 1 then ${now}::timestamptz else cancelled_at end`,
        })
        .where("id", "=", launchId)
        .where("booked_seats", ">", 0)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLaunch(row);
    },

    async list(filter, page) {
      const after = page.after === undefined ? undefined : decodeLaunchCursor(page.after);
      // One ordered stream of both providers, keyset-paginated on (date, provider, id).
      const { rows } = await sql<ListedLaunchRow>`
        select * from (
          select 'spacet' as provider, l.id::text as id, l.launchpad_id, l.launch_date, l.destination,
                 l.capacity, l.booked_seats, l.status, l.cancel_reason, l.spacex_launch_id, l.created_at, l.cancelled_at,
                 null::text as name, null::int as flight_number, null::timestamptz as date_utc,
                 null::text as date_precision, null::boolean as upcoming
            from launches l
           where ${filter.provider === "spacex" ? sql`false` : sql`true`}
          union all
          select 'spacex', s.id, s.launchpad_id, (s.date_utc at time zone coalesce(p.time_zone, 'UTC'))::date,
                 null, null, null, 'scheduled', null, null, null, null,
                 s.name, s.flight_number, s.date_utc, s.date_precision, s.upcoming
            from spacex_launches s
            left join launchpads p on p.id = s.launchpad_id
           where ${filter.provider === "spacet" ? sql`false` : sql`true`}
        ) x
        where true
          ${filter.launchpadId ? sql`and x.launchpad_id = ${filter.launchpadId}` : sql``}
          ${filter.fromDate ? sql`and x.launch_date >= ${filter.fromDate}::date` : sql``}
          ${filter.toDate ? sql`and x.launch_date <= ${filter.toDate}::date` : sql``}
          ${after ? sql`and (x.launch_date, x.provider, x.id) > (${after.date}::date, ${after.provider}, ${after.id})` : sql``}
        order by x.launch_date, x.provider, x.id
        limit ${page.size + 1}`.execute(db);
      return keysetPage(rows, page.size, toListItem, (last) => encodeLaunchCursor({ date: last.launch_date, provider: last.provider, id: String(last.id) }));
    },
  };
}

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

type ListedLaunchRow = Omit<Selectable<LaunchTable>, "launch_week"> &
  Omit<SpacexLaunchRow, "launch_date" | "id" | "launchpad_id"> & { provider: "spacet" | "spacex" };

function toListItem(row: ListedLaunchRow): LaunchListItem {
  if (row.provider === "spacet") return { provider: "spacet", launch: toLaunch({ ...row, launch_week: "" }) };
  return { provider: "spacex", launch: toSpacexLaunch({ ...row, launchpad_id: row.launchpad_id, launch_date: row.launch_date }) };
}

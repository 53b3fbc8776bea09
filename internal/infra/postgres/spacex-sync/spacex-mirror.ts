import { type Kysely, sql } from "kysely";
import type { MirrorChanges, SpacexConflicts, UpcomingSpacexLaunch } from "../../../app/spacex-sync/ports.js";
import type { DatePrecision } from "../../../domain/launch/launch.js";
import { toBooking } from "../launch/booking-repository.js";
import { toLaunch } from "../launch/launch-repository.js";
import type { Database } from "../schema.js";

/**
 * Makes spacex_launches exactly SpaceX's current upcoming list, in one statement whatever its
 * size: the list travels as one array per column (unnest), which also stays clear of the 65,535
 * bind-parameter limit of a multi-row VALUES. Unchanged rows are not rewritten (the DO UPDATE's
 * WHERE), so `changed` counts real reschedules. Launches missing from the list are deleted: the
 * booking check looks only at the mirror, so a launch that left the upcoming list (flown,
 * scrubbed, moved to another provider) must stop blocking. Insert and delete touch disjoint ids,
 * so they can share the statement.
 */
export async function replaceSpacexSchedule(db: Kysely<Database>, launches: readonly UpcomingSpacexLaunch[], at: Date): Promise<MirrorChanges> {
  const { rows } = await sql<MirrorChanges>`
    with incoming as (
       select * from unnest(${launches.map((l) => l.id)}::text[], ${launches.map((l) => l.name)}::text[], ${launches.map((l) => l.flightNumber)}::int[],
                            ${launches.map((l) => l.launchpadId ?? null)}::text[], ${launches.map((l) => l.dateUtc.toISOString())}::timestamptz[],
                            ${launches.map((l) => l.datePrecision)}::text[])
         as t(id, name, flight_number, launchpad_id, date_utc, date_precision)
     ),
     upserted as (
       insert into spacex_launches as s (id, name, flight_number, launchpad_id, date_utc, date_precision, upcoming, synced_at)
       select id, name, flight_number, launchpad_id, date_utc, date_precision, true, ${at}::timestamptz from incoming
       on conflict (id) do update
          set name = excluded.name, flight_number = excluded.flight_number, launchpad_id = excluded.launchpad_id,
              date_utc = excluded.date_utc, date_precision = excluded.date_precision, upcoming = true,
              synced_at = excluded.synced_at
        where (s.name, s.flight_number, s.launchpad_id, s.date_utc, s.date_precision, s.upcoming)
              is distinct from (excluded.name, excluded.flight_number, excluded.launchpad_id, excluded.date_utc, excluded.date_precision, true)
       returning (xmax = 0) as inserted
     ),
     removed as (
       delete from spacex_launches s where not exists (select 1 from incoming i where i.id = s.id) returning 1
     )
     select (select count(*) from upserted where inserted)::int as added,
            (select count(*) from upserted where not inserted)::int as changed,
            (select count(*) from removed)::int as removed`.execute(db);
  return rows[0];
}

/** Columns of a cancelled launch (l_) and of one of its cancelled bookings (b_, null if none). */
const CONFLICT_COLUMNS = sql.raw(`
  c.id as l_id, c.launchpad_id as l_launchpad_id, c.launch_date as l_launch_date, c.launch_week as l_launch_week,
  c.destination as l_destination, c.capacity as l_capacity, c.booked_seats as l_booked_seats, c.status as l_status,
  c.cancel_reason as l_cancel_reason, c.spacex_launch_id as l_spacex_launch_id, c.created_at as l_created_at,
  c.cancelled_at as l_cancelled_at,
  k.id as b_id, k.seq as b_seq, k.launch_id as b_launch_id, k.launchpad_id as b_launchpad_id, k.destination as b_destination,
  k.launch_date as b_launch_date, k.first_name as b_first_name, k.last_name as b_last_name, k.gender as b_gender,
  k.birthday as b_birthday, k.status as b_status, k.cancel_reason as b_cancel_reason, k.spacex_launch_id as b_spacex_launch_id,
  k.cancelled_at as b_cancelled_at, k.request_id as b_request_id, k.request_fingerprint as b_request_fingerprint,
  k.created_at as b_created_at`);

/**
 * Cancels, in ONE statement, every scheduled launch of ours on a pad-local day that a mirrored
 * SpaceX launch takes, and all its confirmed bookings; returns them (one row per booking).
 *
 * - "Day" is the SpaceX instant seen in the pad's zone, `(date_utc at time zone pad.time_zone)`,
 *   exactly as the booking check computes it, so the two can never disagree (a day taken in
 *   the session's zone would be off by the pad's UTC offset).
 * - Only precisions that block (hour, day) count; "some time in December" blocks nothing.
 * - Days before the pad-local today are history and are left alone.
 * - Lock order is launch rows, then their booking rows (as CancelBooking does): the bookings
 *   UPDATE joins the launches CTE's output, so each booking is locked only after its launch.
 *   The caller's transaction holds the booking-writes lock exclusively, so no new booking races
 *   this; a concurrent customer cancel of one booking is re-checked (status = 'confirmed') on
 *   the row's latest version and skipped.
 * - Data-modifying CTEs run once and to completion, so the cost is a constant number of round
 *   trips (one) whatever the number of bookings.
 */
export async function cancelSpacexConflicts(
  db: Kysely<Database>,
  input: { now: Date; blockingPrecisions: readonly DatePrecision[] },
): Promise<SpacexConflicts> {
  const { rows } = await sql<ConflictRow>`
    with blocked as (
       select distinct on (s.launchpad_id, day)
              s.launchpad_id, (s.date_utc at time zone p.time_zone)::date as day, s.id as spacex_launch_id,
              (${input.now}::timestamptz at time zone p.time_zone)::date as pad_today
         from spacex_launches s
         join launchpads p on p.id = s.launchpad_id
        where s.date_precision = any(${input.blockingPrecisions}::text[])
        order by s.launchpad_id, day, s.date_utc, s.id
     ),
     cancelled_launches as (
       update launches l
          set status = 'cancelled', cancel_reason = 'spacex_conflict', spacex_launch_id = b.spacex_launch_id,
              booked_seats = 0, cancelled_at = ${input.now}::timestamptz
         from blocked b
        where l.launchpad_id = b.launchpad_id and l.launch_date = b.day
          and l.status = 'scheduled' and l.launch_date >= b.pad_today
       returning l.*
     ),
     cancelled_bookings as (
       update bookings k
          set status = 'cancelled', cancel_reason = 'spacex_conflict', spacex_launch_id = c.spacex_launch_id, cancelled_at = ${input.now}::timestamptz
         from cancelled_launches c
        where k.launch_id = c.id and k.status = 'confirmed'
       returning k.*
     )
     select ${CONFLICT_COLUMNS}
       from cancelled_launches c
       left join cancelled_bookings k on k.launch_id = c.id
      order by c.launchpad_id, c.launch_date, k.seq`.execute(db);
  return conflictsFromRows(rows);
}

type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}${K}`]: T[K] };
type LaunchRow = Parameters<typeof toLaunch>[0];
type BookingRow = Parameters<typeof toBooking>[0];
type ConflictRow = Prefixed<"l_", LaunchRow> & ({ b_id: null } | Prefixed<"b_", BookingRow>);

function conflictsFromRows(rows: readonly ConflictRow[]): SpacexConflicts {
  const launches: SpacexConflicts["launches"][number][] = [];
  const bookings: SpacexConflicts["bookings"][number][] = [];
  for (const row of rows) {
    if (launches.at(-1)?.id !== row.l_id) launches.push(toLaunch(unprefix<LaunchRow>(row, "l_")));
    if (row.b_id !== null) bookings.push(toBooking(unprefix<BookingRow>(row, "b_")));
  }
  return { launches, bookings };
}

function unprefix<T>(row: object, prefix: string): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out as T;
}

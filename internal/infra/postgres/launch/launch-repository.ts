import { type Kysely, type Selectable, sql } from "kysely";
import type { LaunchListItem, LaunchRepository, SeatRequest } from "../../../app/launch/ports.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { Destination } from "../../../domain/launch/destination.js";
import { DomainError } from "../../../domain/errors.js";
import type { Launch, LaunchCancelReason, LaunchStatus } from "../../../domain/launch/launch.js";
import { decodeLaunchCursor, encodeLaunchCursor } from "./cursors.js";
import { isPgError, PG } from "../pg-errors.js";
import type { Database, LaunchTable } from "../schema.js";
import { type SpacexLaunchRow, toSpacexLaunch } from "./spacex-schedule-repository.js";

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

/** A seat race can be lost to a cancel that empties the launch; a fresh attempt then creates it anew. */
const SEAT_ATTEMPTS = 3;

/** Our launches. `db` must be a transaction for reserveSeat/lock/releaseSeat. */
export function createLaunchRepository(db: Kysely<Database>): LaunchRepository {
  return {
    async reserveSeat(req) {
      for (let attempt = 0; attempt < SEAT_ATTEMPTS; attempt++) {
        const seated = await insertOrJoinLaunch(db, req);
        if (seated) return seated;

        // Say precisely why not; if the launch vanished meanwhile (its last booking was
        // cancelled), try again: the day is free for a new launch.
        const existing = await db
          .selectFrom("launches")
          .selectAll()
          .where("launchpad_id", "=", req.launchpadId)
          .where("launch_date", "=", req.launchDate)
          .where("status", "=", "scheduled")
          .executeTakeFirst();
        if (!existing) continue;
        if (existing.destination !== req.destination) {
          throw new DomainError(
            "already_exists",
            "LAUNCH_DAY_TAKEN",
            `launchpad ${req.launchpadId} already flies to ${existing.destination} on ${req.launchDate}; book that destination or another day`,
            { metadata: { launch_id: existing.id, destination: existing.destination } },
          );
        }
        if (existing.booked_seats >= existing.capacity) {
          throw new DomainError("exhausted", "LAUNCH_FULL", `the launch from ${req.launchpadId} on ${req.launchDate} is full (${existing.capacity} seats)`, {
            metadata: { launch_id: existing.id, capacity: String(existing.capacity) },
          });
        }
      }
      throw new DomainError("conflict", "SEAT_RACE_LOST", "the launch changed while booking; retry the request");
    },

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
      const items = rows.slice(0, page.size).map(toListItem);
      const last = rows.length > page.size ? rows[page.size - 1] : undefined;
      return {
        items,
        nextCursor: last && encodeLaunchCursor({ date: last.launch_date, provider: last.provider, id: String(last.id) }),
      };
    },
  };
}

/**
 * One statement takes a seat. The day's first booking inserts the launch; any later one hits
 * the one-launch-per-pad-day index and, through ON CONFLICT, updates that row instead: the row
 * lock serializes concurrent bookers (a racing first booker waits for the winner's commit and
 * then joins its launch), and the WHERE is re-checked on the locked, latest row, so the last
 * seat goes to exactly one of them. No row back means another destination or a full launch.
 * The destination-per-week index is not the arbiter, so a second launch to one destination in
 * one week fails with its constraint name.
 */
async function insertOrJoinLaunch(db: Kysely<Database>, req: SeatRequest): Promise<Launch | undefined> {
  try {
    const row = await db
      .insertInto("launches")
      .values({
        id: req.newLaunchId,
        launchpad_id: req.launchpadId,
        launch_date: req.launchDate,
        destination: req.destination,
        capacity: req.capacity,
        booked_seats: 1,
        status: "scheduled",
        cancel_reason: null,
        spacex_launch_id: null,
        created_at: req.now,
        cancelled_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(["launchpad_id", "launch_date"])
          .where("status", "=", "scheduled")
          .doUpdateSet({ booked_seats: sql`launches.booked_seats + 1` })
          .where(sql<boolean>`launches.destination = excluded.destination and launches.booked_seats < launches.capacity`),
      )
      .returningAll()
      .executeTakeFirst();
    return row && toLaunch(row);
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation) && e.constraint === "launches_destination_once_per_pad_week") {
      throw new DomainError(
        "already_exists",
        "DESTINATION_USED_THIS_WEEK",
        `launchpad ${req.launchpadId} already flies to ${req.destination} in the week of ${req.launchDate}; every day of a week flies somewhere else`,
        { metadata: { launchpad_id: req.launchpadId, destination: req.destination } },
      );
    }
    throw e;
  }
}

type ListedLaunchRow = Omit<Selectable<LaunchTable>, "launch_week"> &
  Omit<SpacexLaunchRow, "launch_date" | "id" | "launchpad_id"> & { provider: "spacet" | "spacex" };

function toListItem(row: ListedLaunchRow): LaunchListItem {
  if (row.provider === "spacet") return { provider: "spacet", launch: toLaunch({ ...row, launch_week: "" }) };
  return { provider: "spacex", launch: toSpacexLaunch({ ...row, launchpad_id: row.launchpad_id, launch_date: row.launch_date }) };
}

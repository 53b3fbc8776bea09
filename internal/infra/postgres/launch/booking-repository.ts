import type { Kysely, Selectable } from "kysely";
import type { BookingRepository } from "../../../app/launch/ports.js";
import type { Booking, BookingStatus, CancellationReason, Gender } from "../../../domain/launch/booking.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { Destination } from "../../../domain/launch/destination.js";
import { decodeSeqCursor, encodeSeqCursor, keysetPage } from "../keyset-page.js";
import type { BookingTable, Database } from "../schema.js";

export function toBooking(row: Selectable<BookingTable>): Booking {
  return {
    id: row.id,
    launchId: row.launch_id,
    launchpadId: row.launchpad_id,
    destination: row.destination as Destination,
    launchDate: row.launch_date as CalendarDate,
    firstName: row.first_name,
    lastName: row.last_name,
    gender: row.gender as Gender,
    birthday: row.birthday as CalendarDate,
    status: row.status as BookingStatus,
    cancellation:
      row.status === "cancelled" && row.cancel_reason && row.cancelled_at
        ? { reason: row.cancel_reason as CancellationReason, spacexLaunchId: row.spacex_launch_id ?? undefined, cancelledAt: row.cancelled_at }
        : undefined,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at,
  };
}

/** Bookings (tickets). `db` may be a transaction. */
export function createBookingRepository(db: Kysely<Database>): BookingRepository {
  return {
    async get(id) {
      const row = await db.selectFrom("bookings").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toBooking(row);
    },

    async findByRequestId(requestId) {
      const row = await db.selectFrom("bookings").selectAll().where("request_id", "=", requestId).executeTakeFirst();
      return row && { booking: toBooking(row), fingerprint: row.request_fingerprint ?? undefined };
    },

    async cancelIfConfirmed(id, c) {
      // Conditional on the current status, so of two concurrent cancels only one changes the row
      // (and frees a seat); the other gets undefined and answers with the cancelled booking.
      const row = await db
        .updateTable("bookings")
        .set({ status: "cancelled", cancel_reason: c.reason, spacex_launch_id: c.spacexLaunchId ?? null, cancelled_at: c.cancelledAt })
        .where("id", "=", id)
        .where("status", "=", "confirmed")
        .returningAll()
        .executeTakeFirst();
      return row && toBooking(row);
    },

    async list(filter, page) {
      // Keyset pagination on the immutable `seq`, newest first: a deep page costs what the
      // first does, and rows cancelled between pages neither move nor repeat.
      let q = db
        .selectFrom("bookings")
        .selectAll()
        .orderBy("seq", "desc")
        .limit(page.size + 1);
      if (page.after !== undefined) q = q.where("seq", "<", decodeSeqCursor(page.after));
      if (filter.launchpadId) q = q.where("launchpad_id", "=", filter.launchpadId);
      if (filter.destination) q = q.where("destination", "=", filter.destination);
      if (filter.status) q = q.where("status", "=", filter.status);
      if (filter.fromLaunchDate) q = q.where("launch_date", ">=", filter.fromLaunchDate);
      if (filter.toLaunchDate) q = q.where("launch_date", "<=", filter.toLaunchDate);
      return keysetPage(await q.execute(), page.size, toBooking, (row) => encodeSeqCursor(row.seq));
    },
  };
}

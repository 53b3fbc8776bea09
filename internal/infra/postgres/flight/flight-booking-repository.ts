import type { Kysely } from "kysely";
import type { FlightBookingRepository } from "../../../app/flight/ports.js";
import type { FlightBookingCancelReason } from "../../../domain/flight/flight-booking.js";
import { decodeSeqCursor, encodeSeqCursor, keysetPage } from "../keyset-page.js";
import type { Database } from "../schema.js";
import { toFlightBooking } from "./rows.js";

/** Flight bookings (the coordinator inserts them; see seat-statement.ts). `db` may be a transaction. */
export function createFlightBookingRepository(db: Kysely<Database>): FlightBookingRepository {
  const cancelConfirmed = (by: "id" | "flight_id", value: string, reason: FlightBookingCancelReason, at: Date) =>
    db
      .updateTable("flight_bookings")
      .set({ status: "cancelled", cancel_reason: reason, cancelled_at: at })
      .where(by, "=", value)
      .where("status", "=", "confirmed")
      .returningAll()
      .execute();
  return {
    async get(id) {
      const row = await db.selectFrom("flight_bookings").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toFlightBooking(row);
    },

    async cancelIfConfirmed(id, reason, at) {
      // Conditional on the current status: of two racing cancels only one changes the row.
      const [row] = await cancelConfirmed("id", id, reason, at);
      return row && toFlightBooking(row);
    },

    async cancelAllConfirmed(flightId, reason, at) {
      // One statement whatever the number of bookings; the caller holds the flight's row lock,
      // so no booking is confirmed on it meanwhile.
      const rows = await cancelConfirmed("flight_id", flightId, reason, at);
      return rows.sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq))).map(toFlightBooking);
    },

    async list(filter, page) {
      // Keyset on the immutable seq, newest first: a deep page costs what the first does.
      let q = db
        .selectFrom("flight_bookings")
        .selectAll()
        .orderBy("seq", "desc")
        .limit(page.size + 1);
      if (page.after !== undefined) q = q.where("seq", "<", decodeSeqCursor(page.after));
      if (filter.userId) q = q.where("user_id", "=", filter.userId);
      if (filter.flightId) q = q.where("flight_id", "=", filter.flightId);
      if (filter.status) q = q.where("status", "=", filter.status);
      return keysetPage(await q.execute(), page.size, toFlightBooking, (row) => encodeSeqCursor(row.seq));
    },
  };
}

import { type Kysely, sql } from "kysely";
import type { FlightRepository } from "../../../app/flight/ports.js";
import { DomainError } from "../../../domain/errors.js";
import { keysetPage } from "../keyset-page.js";
import { isPgError, PG } from "../pg-errors.js";
import type { Database } from "../schema.js";
import { decodeFlightCursor, encodeFlightCursor } from "./cursors.js";
import { flightChanges, toFlight } from "./rows.js";

/** Flights. `db` must be a transaction for lock/update/closeExpired. */
export function createFlightRepository(db: Kysely<Database>): FlightRepository {
  return {
    async insert(f) {
      try {
        await db
          .insertInto("flights")
          .values({
            id: f.id,
            flight_code: f.code,
            airline: f.airline,
            aircraft_type: f.aircraftType,
            origin: f.origin,
            destination: f.destination,
            origin_time_zone: f.originTimeZone,
            departure_time: f.departureTime,
            arrival_time: f.arrivalTime,
            departure_date_local: f.departureDate,
            window_capacity: f.capacity.window,
            aisle_capacity: f.capacity.aisle,
            middle_capacity: f.capacity.middle,
            price_minor: f.price.amountMinor,
            currency: f.price.currency,
            offer_expires_at: f.offerExpiresAt,
            created_at: f.createdAt,
            ...flightChanges(f),
          })
          .execute();
      } catch (e) {
        if (isPgError(e, PG.uniqueViolation) && e.constraint === "flights_code_per_day_key") {
          throw new DomainError("already_exists", "FLIGHT_CODE_TAKEN", `flight ${f.code} already flies on ${f.departureDate}`, {
            metadata: { flight_code: f.code, departure_date: f.departureDate },
          });
        }
        throw e;
      }
    },

    async get(id) {
      const row = await db.selectFrom("flights").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toFlight(row);
    },

    async lock(id) {
      // FOR NO KEY UPDATE, the mode the coordinator takes: it serializes with bookings and other
      // changes of the flight, but not with inserts of bookings referencing it elsewhere.
      const row = await db.selectFrom("flights").selectAll().where("id", "=", id).forNoKeyUpdate().executeTakeFirst();
      return row && toFlight(row);
    },

    async update(f) {
      await db.updateTable("flights").set(flightChanges(f)).where("id", "=", f.id).execute();
    },

    async closeExpired(limit) {
      // Conditional and set-based, safe on every replica at once: SKIP LOCKED passes over a
      // flight a booking (or another replica's job) holds, and the outer status guard means a
      // flight is closed by exactly one statement, so one FlightClosed. The database clock
      // decides, as it does for bookings.
      const rows = await sql<Parameters<typeof toFlight>[0]>`
        update flights f
           set status = 'closed', close_reason = 'offer_expired', version = f.version + 1,
               updated_at = date_trunc('milliseconds', clock_timestamp())
         where f.id in (select id from flights
                         where status = 'open' and offer_expires_at <= clock_timestamp()
                         order by offer_expires_at
                         limit ${limit}
                         for no key update skip locked)
           and f.status = 'open'
        returning f.*`.execute(db);
      return rows.rows.map(toFlight);
    },

    async search(filter, page) {
      const after = page.after === undefined ? undefined : decodeFlightCursor(page.after);
      let q = db
        .selectFrom("flights")
        .selectAll()
        .where("origin", "=", filter.origin)
        .where("destination", "=", filter.destination)
        .orderBy("departure_time")
        .orderBy("id")
        .limit(page.size + 1);
      q = filter.departureDate ? q.where("departure_date_local", "=", filter.departureDate) : q.where("departure_time", ">", sql<Date>`now()`);
      if (filter.onlyBookable) q = q.where("status", "=", "open").where("offer_expires_at", ">", sql<Date>`now()`);
      if (after) q = q.where(sql<boolean>`(departure_time, id) > (${after.departureTime}, ${after.id}::uuid)`);
      return keysetPage(await q.execute(), page.size, toFlight, (row) => encodeFlightCursor({ departureTime: row.departure_time, id: row.id }));
    },
  };
}

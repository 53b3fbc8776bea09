import { CompiledQuery, type Kysely } from "kysely";
import type { SeatDecision, SeatRequest } from "../../../app/flight/ports.js";
import { DomainError } from "../../../domain/errors.js";
import { isPgError, PG } from "../pg-errors.js";
import { preparedStatement } from "../prepared-statements.js";
import type { Database } from "../schema.js";
import { type AvailabilityColumns, type BookingColumns, toAvailability, toFlightBooking } from "./rows.js";

/** One row of book_flight_seats (migrations/postgresql/0009_flight_coordinator.sql). */
type OutcomeRow = AvailabilityColumns &
  Omit<BookingColumns, "id" | "flight_id" | "status"> & {
    outcome: SeatDecision["outcome"];
    booking_id: string | null;
    booking_flight_id: string | null;
    booking_status: string | null;
  };

/**
 * The coordinator's statement: decides and writes a batch of booking requests for ONE flight
 * in one call of book_flight_seats (one round trip, one row lock, one commit in autocommit).
 * Decisions come back in request order. A batch of one is a single booking.
 */
export interface SeatStatement {
  book(flightId: string, requests: readonly SeatRequest[]): Promise<SeatDecision[]>;
}

/**
 * The one call, as fixed text: compiled once here rather than by Kysely per batch, and prepared
 * once per connection (Postgres parses and plans it the first time only). Request i is element
 * i of every array; $9 is the lock timeout (see migrations/postgresql/0009_flight_coordinator.sql).
 */
const BOOK_FLIGHT_SEATS = preparedStatement(
  "book_flight_seats",
  "select * from book_flight_seats($1::uuid, $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::integer[], $7::integer[], $8::integer[], $9)",
);

/** How long a refused FLIGHT_BUSY caller should wait before retrying. */
export const FLIGHT_BUSY_RETRY_MS = 1_000;

/**
 * The coordinator's statement over `db` (the pool: each call is its own autocommit transaction).
 * `lockTimeoutMs` bounds the wait for the flight's row lock (FLIGHT_BUSY beyond it).
 */
export function createSeatStatement(db: Kysely<Database>, opts: { lockTimeoutMs: number }): SeatStatement {
  const lockTimeout = `${Math.max(1, Math.round(opts.lockTimeoutMs))}ms`;
  return {
    async book(flightId, requests) {
      if (requests.length === 0) return [];
      try {
        const { rows } = await db.executeQuery<OutcomeRow>(
          CompiledQuery.raw(BOOK_FLIGHT_SEATS, [
            flightId,
            requests.map((r) => r.bookingId),
            requests.map((r) => r.userId),
            requests.map((r) => r.userName),
            requests.map((r) => r.requestId ?? null),
            requests.map((r) => r.seats.window),
            requests.map((r) => r.seats.aisle),
            requests.map((r) => r.seats.middle),
            lockTimeout,
          ]),
        );
        if (rows.length !== requests.length) throw new Error(`book_flight_seats answered ${rows.length} rows for ${requests.length} requests`);
        return rows.map((row) => toDecision(flightId, row));
      } catch (e) {
        throw translate(e);
      }
    },
  };
}

function toDecision(flightId: string, row: OutcomeRow): SeatDecision {
  switch (row.outcome) {
    case "request_id_reused":
    case "flight_not_found":
      return { outcome: row.outcome };
    case "confirmed":
    case "replayed": {
      const booking = toFlightBooking({ ...row, id: row.booking_id ?? "", flight_id: row.booking_flight_id ?? "", status: row.booking_status ?? "" });
      return { outcome: row.outcome, booking, availability: toAvailability(flightId, row) };
    }
    default:
      return { outcome: row.outcome, availability: toAvailability(flightId, row) };
  }
}

/**
 * The statement's own errors in the domain's words (database faults arrive already as
 * "unavailable" from the service's driver). A lock wait past the timeout means the flight is too
 * busy right now: UNAVAILABLE with a retry delay, never INTERNAL. A booking for a user the
 * database does not know (a token outliving its user) is UNAUTHENTICATED.
 */
function translate(e: unknown): unknown {
  if (isPgError(e, PG.lockNotAvailable)) {
    return new DomainError("unavailable", "FLIGHT_BUSY", "the flight is too busy to answer now; retry shortly", {
      retryAfterMs: FLIGHT_BUSY_RETRY_MS,
      cause: e,
    });
  }
  if (isPgError(e, PG.foreignKeyViolation) && e.constraint === "flight_bookings_user_id_fkey") {
    return new DomainError("unauthenticated", "USER_UNKNOWN", "the token's user does not exist", { cause: e });
  }
  return e;
}

import { CompiledQuery, type Kysely } from "kysely";
import type { SeatDecision, SeatRequest } from "../../../app/flight/ports.js";
import type { CounterMetric } from "../../../app/ports.js";
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
    /** The flight's status as the statement's snapshot saw it, before the function took the lock. */
    status_before: string | null;
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
 *
 * `status_before` tells whether the first request closed the flight (see `closedBy`): an
 * uncorrelated subquery, so it runs once, and with the statement's snapshot, taken before the
 * function locked the row; the function's own reads and writes come after it and stay invisible
 * to it. One primary-key lookup per batch.
 */
const BOOK_FLIGHT_SEATS = preparedStatement(
  "book_flight_seats",
  `select s.*, (select f.status from flights f where f.id = $1::uuid) as status_before
     from book_flight_seats($1::uuid, $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::integer[], $7::integer[], $8::integer[], $9) s`,
);

/** How long a refused FLIGHT_BUSY caller should wait before retrying. */
export const FLIGHT_BUSY_RETRY_MS = 1_000;

/**
 * The coordinator's statement over `db` (the pool: each call is its own autocommit transaction).
 * `lockTimeoutMs` bounds the wait for the flight's row lock (FLIGHT_BUSY beyond it); `closed`
 * counts the flights a batch closed, by reason (spacet_flights_closed_total), once it committed.
 */
export function createSeatStatement(db: Kysely<Database>, opts: { lockTimeoutMs: number; closed?: CounterMetric<"reason"> }): SeatStatement {
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
        // Autocommit: the rows are here, so the batch (and any close in it) committed.
        const reason = closedBy(rows);
        if (reason) opts.closed?.inc({ reason });
        return rows.map((row) => toDecision(flightId, row));
      } catch (e) {
        throw translate(e);
      }
    },
  };
}

/**
 * The reason a batch closed its flight, if one of its requests did (at most one can: a closed
 * flight stays closed in a batch): the last seat taken (sold_out) or a request finding the offer
 * ended (offer_expired). Each row is the flight as its request left it, so request i closed it
 * when the row before (for the first, the flight as the statement found it) was open and its
 * own is closed. The first request's "before" is read before the lock: should the expiry job
 * close the flight in between (a window of the lock wait), the job counts it and so does this.
 */
function closedBy(rows: readonly OutcomeRow[]): string | undefined {
  for (const [i, row] of rows.entries()) {
    const before = i === 0 ? row.status_before : rows[i - 1].status;
    if (before === "open" && row.status === "closed" && row.close_reason) return row.close_reason;
  }
  return undefined;
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

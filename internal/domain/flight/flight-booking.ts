import { DomainError, type FieldViolation, invalidFields } from "../errors.js";
import type { Money } from "./money.js";
import { isSeatClass, NO_SEATS, type SeatClass, type SeatCounts, totalSeats } from "./seat-class.js";

export type FlightBookingStatus = "confirmed" | "cancelled";
export type FlightBookingCancelReason = "customer_request" | "flight_cancelled" | "operator";

/** A user's seats on a flight, all or nothing across classes. */
export interface FlightBooking {
  readonly id: string;
  readonly flightId: string;
  readonly userId: string;
  /** The user's name when they booked. */
  readonly userName: string;
  readonly seats: SeatCounts;
  /** Seat price times the number of seats. */
  readonly totalPrice: Money;
  readonly status: FlightBookingStatus;
  /** Set exactly when status is "cancelled", with cancelledAt. */
  readonly cancelReason: FlightBookingCancelReason | undefined;
  readonly cancelledAt: Date | undefined;
  /** The client's idempotency key (unique per user). */
  readonly requestId: string | undefined;
  readonly createdAt: Date;
}

/** One line of a seat request as it arrives: a class name and a number of seats. */
export interface SeatSelection {
  readonly seatClass: string;
  readonly count: number;
}

/**
 * Turns a seat request into seats per class, or one "invalid" error naming `seats` with every
 * problem: no line, an unknown class, a class named twice, a count that is not a positive
 * whole number, more than `maxSeats` seats in total. (A class the flight does not offer is
 * decided with the flight, in {@link seatClassesNotOffered}.)
 */
export function seatRequest(selections: readonly SeatSelection[], maxSeats: number): SeatCounts {
  const violations: FieldViolation[] = [];
  const seats: Record<SeatClass, number> = { ...NO_SEATS };
  const named = new Set<string>();
  if (selections.length === 0) violations.push({ field: "seats", rule: "seats.min_items", message: "must ask for at least one seat" });
  for (const s of selections) {
    if (!isSeatClass(s.seatClass)) {
      violations.push({ field: "seats", rule: "seats.class_known", message: `"${s.seatClass}" is not a seat class (window, aisle, middle)` });
      continue;
    }
    if (named.has(s.seatClass)) violations.push({ field: "seats", rule: "seats.unique_classes", message: `names ${s.seatClass} more than once` });
    named.add(s.seatClass);
    if (!Number.isInteger(s.count) || s.count <= 0) {
      violations.push({
        field: "seats",
        rule: "seats.count_positive",
        message: `${s.seatClass}: the number of seats must be a whole number above 0, got ${s.count}`,
      });
      continue;
    }
    seats[s.seatClass] += s.count;
  }
  if (violations.length === 0 && totalSeats(seats) > maxSeats) {
    violations.push({ field: "seats", rule: "seats.max_per_booking", message: `at most ${maxSeats} seats per booking, got ${totalSeats(seats)}` });
  }
  if (violations.length > 0) throw invalidFields(violations);
  return seats;
}

/** The requested classes the flight has no seats of at all (capacity 0). */
export function seatClassesNotOffered(requested: SeatCounts, capacity: SeatCounts): SeatClass[] {
  return (Object.keys(requested) as SeatClass[]).filter((c) => requested[c] > 0 && capacity[c] === 0);
}

/** The answer to a seat request naming classes the flight does not offer. */
export function seatClassesNotOfferedError(classes: readonly SeatClass[]): DomainError {
  return invalidFields([{ field: "seats", rule: "seats.class_offered", message: `the flight has no ${classes.join(" or ")} seats` }]);
}

/** A request_id the user already used for another request (a different flight or other seats). */
export function requestIdReused(): DomainError {
  return new DomainError("invalid", "REQUEST_ID_REUSED", "request_id was already used for a different booking", {
    violations: [{ field: "request_id", rule: "request_id.reused", message: "was already used for a different booking" }],
  });
}

import { DomainError } from "../../domain/errors.js";

/** A flight id nobody scheduled. */
export function flightNotFound(id: string): DomainError {
  return new DomainError("not_found", "FLIGHT_NOT_FOUND", `flight ${id} not found`, { metadata: { flight_id: id } });
}

/** Also the answer for another user's booking: its existence is not revealed. */
export function bookingNotFound(id: string): DomainError {
  return new DomainError("not_found", "FLIGHT_BOOKING_NOT_FOUND", `flight booking ${id} not found`, { metadata: { booking_id: id } });
}

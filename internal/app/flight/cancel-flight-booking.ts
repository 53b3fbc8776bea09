import { cancelBooking, cancelReasonFor, mayAccess } from "../../domain/flight/cancellation.js";
import { availabilityChanged, bookingCancelled, type FlightEvent, flightReopened } from "../../domain/flight/events.js";
import type { FlightBooking } from "../../domain/flight/flight-booking.js";
import type { Principal } from "../../domain/identity/principal.js";
import type { Call, Clock } from "../ports.js";
import { bookingNotFound } from "./not-found.js";
import { type FlightChanges, type FlightUnitOfWork, NO_FLIGHT_CHANGES } from "./ports.js";

/**
 * Cancels a booking (its owner, or an operator) and returns its seats: FlightBookingCancelled,
 * FlightAvailabilityChanged, and FlightReopened when a sold-out flight sells again. Cancelling
 * twice returns the cancelled booking.
 */
export function createCancelFlightBooking(deps: { uow: FlightUnitOfWork; clock: Clock; changes?: FlightChanges }) {
  const changes = deps.changes ?? NO_FLIGHT_CHANGES;
  return async (principal: Principal, id: string, call?: Call): Promise<FlightBooking> => {
    const booking = await deps.uow.run(async (tx) => {
      const current = await tx.bookings.get(id);
      if (!current || !mayAccess(principal, current)) throw bookingNotFound(id);
      if (current.status === "cancelled") return current;

      // Flight first, then the booking: the coordinator and CancelFlight lock in this order too,
      // so a racing cancel or booking waits here and the conditional update below sees its result.
      const flight = await tx.flights.lock(current.flightId);
      if (!flight) throw new Error(`booking ${id} names flight ${current.flightId}, which does not exist`);
      const [reason, now] = [cancelReasonFor(principal, current), deps.clock()];
      const change = cancelBooking(current, flight, reason, now);
      const cancelled = await tx.bookings.cancelIfConfirmed(id, reason, now);
      if (!cancelled) return (await tx.bookings.get(id)) ?? current;

      await tx.flights.update(change.flight);
      const events: FlightEvent[] = [bookingCancelled(cancelled, change.flight, true), availabilityChanged(change.flight)];
      if (change.reopened) events.push(flightReopened(change.flight));
      await tx.outbox.add(events);
      return cancelled;
    }, call);
    changes.changed([booking.flightId]);
    return booking;
  };
}
export type CancelFlightBooking = ReturnType<typeof createCancelFlightBooking>;

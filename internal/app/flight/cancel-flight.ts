import { bookingCancelled, flightCancelled } from "../../domain/flight/events.js";
import { cancelFlight } from "../../domain/flight/cancellation.js";
import type { Flight } from "../../domain/flight/flight.js";
import type { Call, Clock } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import { type FlightChanges, type FlightUnitOfWork, NO_FLIGHT_CHANGES } from "./ports.js";

/**
 * Cancels a flight (operators) with every confirmed booking on it, set-based: lock the flight,
 * update it, cancel its bookings in one statement, write one FlightBookingCancelled per booking
 * and the FlightCancelled in one insert; a constant number of statements whatever the number
 * of bookings. Cancelling twice returns the cancelled flight and cancels nothing more.
 */
export function createCancelFlight(deps: { uow: FlightUnitOfWork; clock: Clock; changes?: FlightChanges }) {
  const changes = deps.changes ?? NO_FLIGHT_CHANGES;
  return async (flightId: string, call?: Call): Promise<{ flight: Flight; bookingsCancelled: number }> => {
    const result = await deps.uow.run(async (tx) => {
      const current = await tx.flights.lock(flightId);
      if (!current) throw flightNotFound(flightId);
      if (current.status === "cancelled") return { flight: current, bookingsCancelled: 0 };
      const flight = cancelFlight(current, deps.clock());
      await tx.flights.update(flight);
      // The flight row is locked, so no booking can be confirmed between this and the commit.
      const bookings = await tx.bookings.cancelAllConfirmed(flight.id, "flight_cancelled", flight.updatedAt);
      await tx.outbox.add([...bookings.map((b) => bookingCancelled(b, flight, false)), flightCancelled(flight, bookings.length)]);
      return { flight, bookingsCancelled: bookings.length };
    }, call);
    changes.changed([result.flight.id]);
    return result;
  };
}
export type CancelFlight = ReturnType<typeof createCancelFlight>;

import { FlightUnavailableError } from "../../domain/flight/availability.js";
import {
  type FlightBooking,
  requestIdReused,
  type SeatSelection,
  seatClassesNotOffered,
  seatClassesNotOfferedError,
  seatRequest,
} from "../../domain/flight/flight-booking.js";
import type { Principal } from "../../domain/identity/principal.js";
import type { Call, IdGenerator } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import { type FlightChanges, NO_FLIGHT_CHANGES, type SeatCoordinator } from "./ports.js";

export interface BookFlightInput {
  readonly flightId: string;
  readonly seats: readonly SeatSelection[];
  readonly requestId: string | undefined;
}

/**
 * Books seats for the caller (SPEC §4.2). The request's own rules (classes, counts, the
 * per-booking maximum) are checked here; everything that depends on the flight is decided by
 * the coordinator in one database statement, which also writes the booking and its events.
 * A refusal by the flight carries its availability (FAILED_PRECONDITION).
 */
export function createBookFlight(deps: { seats: SeatCoordinator; ids: IdGenerator; maxSeatsPerBooking: number; changes?: FlightChanges }) {
  const changes = deps.changes ?? NO_FLIGHT_CHANGES;
  return async (principal: Principal, input: BookFlightInput, call?: Call): Promise<FlightBooking> => {
    const seats = seatRequest(input.seats, deps.maxSeatsPerBooking);
    const decision = await deps.seats.book(
      {
        flightId: input.flightId,
        bookingId: deps.ids(),
        userId: principal.userId,
        userName: principal.username,
        requestId: input.requestId,
        seats,
      },
      call,
    );
    switch (decision.outcome) {
      case "confirmed":
        // Many bookings of a batch announce the same flight: the announcer folds them into one.
        changes.changed([input.flightId]);
        return decision.booking;
      case "replayed":
        return decision.booking;
      case "request_id_reused":
        throw requestIdReused();
      case "flight_not_found":
        throw flightNotFound(input.flightId);
      case "seat_class_not_offered":
        throw seatClassesNotOfferedError(seatClassesNotOffered(seats, decision.availability.capacity));
      case "insufficient_seats":
        throw new FlightUnavailableError("INSUFFICIENT_SEATS", decision.availability);
      case "flight_closed":
        throw new FlightUnavailableError("FLIGHT_CLOSED", decision.availability);
      case "flight_cancelled":
        throw new FlightUnavailableError("FLIGHT_CANCELLED", decision.availability);
    }
  };
}
export type BookFlight = ReturnType<typeof createBookFlight>;

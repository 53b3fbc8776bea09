import { DomainError } from "../errors.js";
import type { Principal } from "../identity/principal.js";
import type { Flight } from "./flight.js";
import type { FlightBooking, FlightBookingCancelReason } from "./flight-booking.js";
import { hasDeparted } from "./operational-status.js";
import { addSeats } from "./seat-class.js";

/** Whether `principal` may see and cancel `booking`: its owner, or any operator. */
export function mayAccess(principal: Principal, booking: FlightBooking): boolean {
  return principal.role === "operator" || booking.userId === principal.userId;
}

/** The cancel reason when `principal` cancels `booking`: an operator cancelling someone else's is "operator". */
export function cancelReasonFor(principal: Principal, booking: FlightBooking): FlightBookingCancelReason {
  return booking.userId === principal.userId ? "customer_request" : "operator";
}

const departed = (flight: Flight) =>
  new DomainError("precondition", "FLIGHT_DEPARTED", `flight ${flight.id} has ${flight.operationalStatus}; its bookings no longer change`, {
    metadata: { flight_id: flight.id, operational_status: flight.operationalStatus.toUpperCase() },
  });

/** A cancelled booking and its flight after the seats came back. */
export interface BookingCancellation {
  readonly booking: FlightBooking;
  readonly flight: Flight;
  /** The flight was sold out and sells again. */
  readonly reopened: boolean;
}

/**
 * Cancels a confirmed booking and returns its seats to the flight. A flight sold out with its
 * offer still open at `now` reopens; one closed for another reason stays closed (its seats are
 * back in stock all the same). Once the flight has departed nothing changes any more
 * (FAILED_PRECONDITION FLIGHT_DEPARTED). Version + 1.
 */
export function cancelBooking(booking: FlightBooking, flight: Flight, reason: FlightBookingCancelReason, now: Date): BookingCancellation {
  if (hasDeparted(flight.operationalStatus)) throw departed(flight);
  if (flight.status === "cancelled") {
    throw new DomainError("precondition", "FLIGHT_CANCELLED", `flight ${flight.id} is cancelled`, { metadata: { flight_id: flight.id } });
  }
  const reopened = flight.status === "closed" && flight.closeReason === "sold_out" && now.getTime() < flight.offerExpiresAt.getTime();
  return {
    reopened,
    booking: { ...booking, status: "cancelled", cancelReason: reason, cancelledAt: now },
    flight: {
      ...flight,
      available: addSeats(flight.available, booking.seats),
      status: reopened ? "open" : flight.status,
      closeReason: reopened ? undefined : flight.closeReason,
      version: flight.version + 1,
      updatedAt: now,
    },
  };
}

/**
 * Cancels the flight itself (its bookings are cancelled with it, reason "flight_cancelled",
 * and their seats do not come back: nothing sells any more). A departed flight cannot be
 * cancelled. Version + 1.
 */
export function cancelFlight(flight: Flight, now: Date): Flight {
  if (hasDeparted(flight.operationalStatus)) throw departed(flight);
  return { ...flight, status: "cancelled", closeReason: undefined, version: flight.version + 1, updatedAt: now };
}

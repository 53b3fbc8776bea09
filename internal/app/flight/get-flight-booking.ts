import { mayAccess } from "../../domain/flight/cancellation.js";
import type { FlightBooking } from "../../domain/flight/flight-booking.js";
import type { Principal } from "../../domain/identity/principal.js";
import type { Call } from "../ports.js";
import { bookingNotFound } from "./not-found.js";
import type { FlightUnitOfWork } from "./ports.js";

/** Gets a booking: the caller's own, or anyone's for an operator; another user's is NOT_FOUND. */
export function createGetFlightBooking(deps: { uow: FlightUnitOfWork }) {
  return async (principal: Principal, id: string, call?: Call): Promise<FlightBooking> => {
    const booking = await deps.uow.read(call).bookings.get(id);
    if (!booking || !mayAccess(principal, booking)) throw bookingNotFound(id);
    return booking;
  };
}
export type GetFlightBooking = ReturnType<typeof createGetFlightBooking>;

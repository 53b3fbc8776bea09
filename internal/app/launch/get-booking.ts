import type { Booking } from "../../domain/launch/booking.js";
import { DomainError } from "../../domain/errors.js";
import type { Call } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/** Gets a booking by ticket id. */
export function createGetBooking(deps: { uow: LaunchUnitOfWork }) {
  return async (ticketId: string, call?: Call): Promise<Booking> => {
    const booking = await deps.uow.read(call).bookings.get(ticketId);
    if (!booking) throw new DomainError("not_found", "BOOKING_NOT_FOUND", `booking ${ticketId} not found`);
    return booking;
  };
}
export type GetBooking = ReturnType<typeof createGetBooking>;

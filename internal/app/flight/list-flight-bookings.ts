import { DomainError } from "../../domain/errors.js";
import type { FlightBooking } from "../../domain/flight/flight-booking.js";
import type { Principal } from "../../domain/identity/principal.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { FlightBookingFilter, FlightUnitOfWork } from "./ports.js";

/**
 * Lists bookings newest first. A user lists their own (naming another user is
 * PERMISSION_DENIED); an operator lists everyone's, or one user's or one flight's.
 */
export function createListFlightBookings(deps: { uow: FlightUnitOfWork }) {
  return async (principal: Principal, filter: FlightBookingFilter, page: PageRequest, call?: Call): Promise<Page<FlightBooking>> => {
    if (principal.role !== "operator") {
      if (filter.userId !== undefined && filter.userId !== principal.userId) {
        throw new DomainError("permission_denied", "OTHER_USERS_BOOKINGS", "users list only their own bookings; leave user_id empty", {
          metadata: { field: "user_id" },
        });
      }
      filter = { ...filter, userId: principal.userId };
    }
    return deps.uow.read(call).bookings.list(filter, page);
  };
}
export type ListFlightBookings = ReturnType<typeof createListFlightBookings>;

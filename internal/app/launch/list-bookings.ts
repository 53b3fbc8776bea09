import type { Booking } from "../../domain/launch/booking.js";
import { invalidFields } from "../../domain/errors.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { BookingFilter, LaunchUnitOfWork } from "./ports.js";

/** Lists bookings newest first, one keyset page at a time. */
export function createListBookings(deps: { uow: LaunchUnitOfWork }) {
  return async (filter: BookingFilter, page: PageRequest, call?: Call): Promise<Page<Booking>> => {
    if (filter.fromLaunchDate && filter.toLaunchDate && filter.fromLaunchDate > filter.toLaunchDate) {
      throw invalidFields([{ field: "to_launch_date", rule: "date.range", message: "must not be before from_launch_date" }]);
    }
    return deps.uow.read(call).bookings.list(filter, page);
  };
}
export type ListBookings = ReturnType<typeof createListBookings>;

import { parseCalendarDate } from "../../domain/calendar-date.js";
import type { FieldViolation } from "../../domain/errors.js";
import { type BookingFields, bookingFieldViolations, launchDateAheadViolation } from "../../domain/launch/booking.js";
import type { Call, Clock } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/** A booking request's fields as they arrive, with the pad that judges its launch date. */
export type BookingCheck = BookingFields & { readonly launchpadId: string };

/**
 * Every problem rule 1 finds with a booking request, so a customer fixes it in one round trip:
 * the domain's field rules, and, when the launchpad exists, whether the launch date is ahead of
 * the pad's own today (which takes a read of the pad). It runs only on requests already known
 * to be wrong (CreateBooking's error path, the API's validation step), never on the way to a
 * booking, which checks the date under its locks.
 */
export function createCheckBookingRequest(deps: { uow: LaunchUnitOfWork; clock: Clock }) {
  return async (req: BookingCheck, call?: Call, now = deps.clock()): Promise<FieldViolation[]> => {
    const violations = bookingFieldViolations(req, now);
    const launchDate = parseCalendarDate(req.launchDate);
    if (launchDate && req.launchpadId !== "") {
      const pad = await deps.uow.read(call).launchpads.get(req.launchpadId);
      const late = pad && launchDateAheadViolation(launchDate, pad.timeZone, now);
      if (late) violations.push(late);
    }
    return violations;
  };
}
export type CheckBookingRequest = ReturnType<typeof createCheckBookingRequest>;

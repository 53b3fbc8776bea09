import { type Booking, type BookingRequest, requestFingerprint, validBookingRequest } from "../../domain/launch/booking.js";
import { bookingRejections as refuse } from "../../domain/launch/booking-rejections.js";
import { invalidFields } from "../../domain/errors.js";
import type { Call, Clock, IdGenerator } from "../ports.js";
import { createCheckBookingRequest } from "./check-booking-request.js";
import type { BookOutcome, Booker, LaunchUnitOfWork } from "./ports.js";

/**
 * Books one passenger (SPEC §3 rules 1-8). The request's own fields are checked here; the rules
 * that need the database's state are decided by the Booker in the same atomic step that takes
 * the seat and writes the booking and its BookingCreated event, so a booking costs one round
 * trip. A refusal says exactly why.
 */
export function createCreateBooking(deps: { uow: LaunchUnitOfWork; booker: Booker; clock: Clock; ids: IdGenerator; launchCapacity: number }) {
  const check = createCheckBookingRequest(deps);
  return async (request: BookingRequest, call?: Call): Promise<Booking> => {
    const now = deps.clock();
    const req = validBookingRequest(request, now);
    // A wrong request is answered with all its problems, the pad's launch date rule included.
    if (!req) throw invalidFields(await check(request, call, now));
    // Only an idempotency key needs the fingerprint (stored with it, compared on a retry).
    const fingerprint = req.requestId ? requestFingerprint(req) : undefined;
    const draft: Omit<Booking, "launchId"> = {
      id: deps.ids(),
      launchpadId: req.launchpadId,
      destination: req.destination,
      launchDate: req.launchDate,
      firstName: req.firstName,
      lastName: req.lastName,
      gender: req.gender,
      birthday: req.birthday,
      status: "confirmed",
      cancellation: undefined,
      requestId: req.requestId,
      createdAt: now,
    };
    const result: BookOutcome = await deps.booker.book(
      {
        booking: draft,
        fingerprint,
        newLaunchId: deps.ids(),
        capacity: deps.launchCapacity,
        now,
      },
      call,
    );

    switch (result.outcome) {
      case "booked":
        return { ...draft, launchId: result.launchId };
      case "request_id_used": {
        // Rule 8: a retry (or a concurrent twin that committed first) gets the original back.
        const found = req.requestId ? await deps.uow.read(call).bookings.findByRequestId(req.requestId) : undefined;
        if (!found) throw new Error("a booking was reported for this request_id but cannot be read");
        if (found.fingerprint !== fingerprint) throw refuse.requestIdReused();
        return found.booking;
      }
      case "launchpad_not_found":
        throw refuse.launchpadNotFound(req.launchpadId);
      case "launchpad_not_active":
        throw refuse.launchpadNotActive(req.launchpadId, result.padStatus);
      case "launch_date_not_ahead":
        throw refuse.launchDateNotAhead(result.padToday, result.padTimeZone);
      case "taken_by_spacex":
        throw refuse.launchpadTakenBySpacex({ id: req.launchpadId, name: result.padName }, req.launchDate, result.spacexLaunch);
      case "launch_day_taken":
        throw refuse.launchDayTaken(req.launchpadId, req.launchDate, result.launch);
      case "destination_used_this_week":
        throw refuse.destinationUsedThisWeek(req.launchpadId, req.destination, req.launchDate);
      case "launch_full":
        throw refuse.launchFull(req.launchpadId, req.launchDate, result.launch);
      case "seat_race_lost":
        throw refuse.seatRaceLost();
    }
  };
}
export type CreateBooking = ReturnType<typeof createCreateBooking>;

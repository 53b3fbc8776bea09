import { type Booking, type BookingRequest, requestFingerprint, validateBookingRequest, assertLaunchDateAhead } from "../../domain/launch/booking.js";
import { DomainError } from "../../domain/errors.js";
import { bookingCreated } from "../../domain/launch/events.js";
import { assertBookable } from "../../domain/launch/launchpad.js";
import type { Clock, IdGenerator } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/**
 * Books one passenger (SPEC §3 rules 1-8). Everything is decided and written in one
 * transaction: the seat, the booking and its BookingCreated event commit together or not at all.
 */
export function createCreateBooking(deps: { uow: LaunchUnitOfWork; clock: Clock; ids: IdGenerator; launchCapacity: number }) {
  return async (request: BookingRequest): Promise<Booking> => {
    const now = deps.clock();
    const req = validateBookingRequest(request, now);
    const fingerprint = requestFingerprint(req);

    const replay = async (): Promise<Booking | undefined> => {
      if (!req.requestId) return undefined;
      const found = await deps.uow.read.bookings.findByRequestId(req.requestId);
      if (!found) return undefined;
      if (found.fingerprint !== fingerprint) {
        throw new DomainError("invalid", "REQUEST_ID_REUSED", "request_id was already used for a different booking", {
          violations: [{ field: "request_id", rule: "request_id.reused", message: "was already used for a different booking" }],
        });
      }
      return found.booking; // rule 8: a retry returns the original
    };

    const original = await replay();
    if (original) return original;

    try {
      return await deps.uow.run(async (tx) => {
        const pad = await tx.lockForBooking(req.launchpadId, req.launchDate);
        if (!pad) throw new DomainError("not_found", "LAUNCHPAD_NOT_FOUND", `launchpad ${req.launchpadId} not found`);
        assertBookable(pad);
        assertLaunchDateAhead(req.launchDate, pad.timeZone, now);

        const spacex = await tx.spacexSchedule.findBlocking(pad.id, req.launchDate);
        if (spacex) {
          throw new DomainError("precondition", "LAUNCHPAD_TAKEN_BY_SPACEX", `SpaceX launches ${spacex.name} from ${pad.name} on ${req.launchDate}`, {
            metadata: { spacex_launch_id: spacex.id, launchpad_id: pad.id, launch_date: req.launchDate },
          });
        }

        const launch = await tx.launches.reserveSeat({
          launchpadId: pad.id,
          launchDate: req.launchDate,
          destination: req.destination,
          capacity: deps.launchCapacity,
          newLaunchId: deps.ids(),
          now,
        });
        const booking: Booking = {
          id: deps.ids(),
          launchId: launch.id,
          launchpadId: pad.id,
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
        await tx.bookings.insert(booking, req.requestId ? fingerprint : undefined);
        await tx.outbox.add([bookingCreated(booking, launch)]);
        return booking;
      });
    } catch (e) {
      // Two retries with one request_id raced and the other committed first: answer like a retry.
      if (e instanceof DomainError && e.reason === "REQUEST_ID_TAKEN") {
        const winner = await replay();
        if (winner) return winner;
      }
      throw e;
    }
  };
}
export type CreateBooking = ReturnType<typeof createCreateBooking>;

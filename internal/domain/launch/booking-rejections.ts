import type { CalendarDate } from "../calendar-date.js";
import { DomainError, invalidFields } from "../errors.js";
import { launchDateNotAfter } from "./booking.js";
import type { Destination } from "./destination.js";
import type { LaunchpadStatus } from "./launchpad.js";

/**
 * Why a booking is refused once its request is well formed (SPEC §3 rules 1-8): one error per
 * reason, with the stable reason and the metadata clients switch on. The rules that need the
 * database's state are decided where that state is consistent (by the database, in the same
 * atomic step that books: see the Booker port); these say why.
 */
export const bookingRejections = {
  /** Rule 2: no such pad. */
  launchpadNotFound: (launchpadId: string) => new DomainError("not_found", "LAUNCHPAD_NOT_FOUND", `launchpad ${launchpadId} not found`),

  /** Rule 2: only active pads take bookings (retired, under construction, ... are refused). */
  launchpadNotActive: (launchpadId: string, status: LaunchpadStatus) =>
    new DomainError("precondition", "LAUNCHPAD_NOT_ACTIVE", `launchpad ${launchpadId} is ${status} and takes no bookings`, {
      metadata: { launchpad_id: launchpadId, status },
    }),

  /** Rule 1, pad part: the launch date must be after `today`, the pad-local date in `timeZone`. */
  launchDateNotAhead: (today: CalendarDate, timeZone: string) => invalidFields([launchDateNotAfter(today, timeZone)]),

  /** Rule 5: SpaceX launches from the pad that pad-local day. */
  launchpadTakenBySpacex: (pad: { id: string; name: string }, launchDate: CalendarDate, spacex: { id: string; name: string }) =>
    new DomainError("precondition", "LAUNCHPAD_TAKEN_BY_SPACEX", `SpaceX launches ${spacex.name} from ${pad.name} on ${launchDate}`, {
      metadata: { spacex_launch_id: spacex.id, launchpad_id: pad.id, launch_date: launchDate },
    }),

  /** Rule 3: the pad already flies somewhere else that day. */
  launchDayTaken: (launchpadId: string, launchDate: CalendarDate, launch: { id: string; destination: string }) =>
    new DomainError(
      "already_exists",
      "LAUNCH_DAY_TAKEN",
      `launchpad ${launchpadId} already flies to ${launch.destination} on ${launchDate}; book that destination or another day`,
      { metadata: { launch_id: launch.id, destination: launch.destination } },
    ),

  /** Rule 4: the destination already flies from the pad in that ISO week. */
  destinationUsedThisWeek: (launchpadId: string, destination: Destination, launchDate: CalendarDate) =>
    new DomainError(
      "already_exists",
      "DESTINATION_USED_THIS_WEEK",
      `launchpad ${launchpadId} already flies to ${destination} in the week of ${launchDate}; every day of a week flies somewhere else`,
      { metadata: { launchpad_id: launchpadId, destination } },
    ),

  /** Rule 6: no seat left. The launch's state, not a limit of the service: a precondition. */
  launchFull: (launchpadId: string, launchDate: CalendarDate, launch: { id: string; capacity: number }) =>
    new DomainError("precondition", "LAUNCH_FULL", `the launch from ${launchpadId} on ${launchDate} is full (${launch.capacity} seats)`, {
      metadata: { launch_id: launch.id, capacity: String(launch.capacity) },
    }),

  /** The launch kept changing under the booking (emptied and refilled by racing requests). */
  seatRaceLost: () => new DomainError("conflict", "SEAT_RACE_LOST", "the launch changed while booking; retry the request"),

  /** Rule 8: the idempotency key already stands for a different request. */
  requestIdReused: () =>
    new DomainError("invalid", "REQUEST_ID_REUSED", "request_id was already used for a different booking", {
      violations: [{ field: "request_id", rule: "request_id.reused", message: "was already used for a different booking" }],
    }),
};

import type { Kysely } from "kysely";
import type { LaunchTx } from "../../../app/launch/ports.js";
import type { Database } from "../schema.js";
import { createBookingRepository } from "./booking-repository.js";
import { createLockForBooking } from "./booking-locks.js";
import { createLaunchRepository } from "./launch-repository.js";
import { createLaunchpadRepository } from "./launchpad-repository.js";
import { createSpacexScheduleRepository } from "./spacex-schedule-repository.js";

/**
 * The launch context's repositories over `db` (the pool or one transaction), for
 * createUnitOfWork. `lockForBooking` holds transaction-level locks: only call it inside `run`.
 */
export function createLaunchRepositories(db: Kysely<Database>): LaunchTx {
  return {
    launchpads: createLaunchpadRepository(db),
    launches: createLaunchRepository(db),
    bookings: createBookingRepository(db),
    spacexSchedule: createSpacexScheduleRepository(db),
    lockForBooking: createLockForBooking(db),
  };
}

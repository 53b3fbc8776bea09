import type { Kysely } from "kysely";
import type { LaunchRepositories } from "../../../app/launch/ports.js";
import type { Database } from "../schema.js";
import { createBookingRepository } from "./booking-repository.js";
import { createLaunchRepository } from "./launch-repository.js";
import { createLaunchpadRepository } from "./launchpad-repository.js";

/** The launch context's repositories over `db` (the pool or one transaction), for createUnitOfWork. */
export function createLaunchRepositories(db: Kysely<Database>): LaunchRepositories {
  return {
    launchpads: createLaunchpadRepository(db),
    launches: createLaunchRepository(db),
    bookings: createBookingRepository(db),
  };
}

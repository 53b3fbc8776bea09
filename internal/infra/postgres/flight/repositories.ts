import type { Kysely } from "kysely";
import type { FlightTx } from "../../../app/flight/ports.js";
import type { Database } from "../schema.js";
import { createFlightBookingRepository } from "./flight-booking-repository.js";
import { createFlightRepository } from "./flight-repository.js";

/** The flight context's repositories over `db` (the pool or one transaction), for createUnitOfWork. */
export function createFlightRepositories(db: Kysely<Database>): FlightTx {
  return { flights: createFlightRepository(db), bookings: createFlightBookingRepository(db) };
}

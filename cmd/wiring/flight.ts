import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Config } from "../../config/config.js";
import { createBookFlight } from "../../internal/app/flight/book-flight.js";
import { createCancelFlight } from "../../internal/app/flight/cancel-flight.js";
import { createCancelFlightBooking } from "../../internal/app/flight/cancel-flight-booking.js";
import { createCloseExpiredFlights } from "../../internal/app/flight/close-expired-flights.js";
import { createCreateFlight } from "../../internal/app/flight/create-flight.js";
import { createGetFlight } from "../../internal/app/flight/get-flight.js";
import { createGetFlightBooking } from "../../internal/app/flight/get-flight-booking.js";
import { createListFlightBookings } from "../../internal/app/flight/list-flight-bookings.js";
import { createSearchFlights } from "../../internal/app/flight/search-flights.js";
import { createUpdateFlightStatus } from "../../internal/app/flight/update-flight-status.js";
import type { Call, Clock, IdGenerator, Logger } from "../../internal/app/ports.js";
import { createBatchingSeatCoordinator } from "../../internal/infra/postgres/flight/batching-seat-coordinator.js";
import { createFlightRepositories } from "../../internal/infra/postgres/flight/repositories.js";
import { createSeatStatement } from "../../internal/infra/postgres/flight/seat-statement.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createUnitOfWork } from "../../internal/infra/postgres/unit-of-work.js";
import { createIntervalScheduler } from "../../internal/infra/scheduler/interval-scheduler.js";
import { outboxWriter } from "./outbox.js";

/** The settings the flight context reads. */
export type FlightSettings = Config["flights"];

/**
 * The flight context's use cases, wired to Postgres: the unit of work for flights and their
 * bookings, and the coordinator (book_flight_seats) behind per-flight batching. Shared by the
 * server, the tests and the bench. The clock must be the real one wherever bookings are made:
 * the coordinator judges offer windows by the database clock.
 */
export function createFlightUseCases(deps: { db: Kysely<Database>; settings: FlightSettings; clock?: Clock; ids?: IdGenerator }) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const { settings } = deps;
  const uow = createUnitOfWork(deps.db, createFlightRepositories, outboxWriter(ids));
  const seats = createBatchingSeatCoordinator({
    statement: createSeatStatement(deps.db, { lockTimeoutMs: settings.bookingLockTimeoutMs }),
    maxBatch: settings.bookingBatchMax,
    maxQueue: settings.bookingQueueMax,
  });
  return {
    createFlight: createCreateFlight({ uow, clock, ids }),
    getFlight: createGetFlight({ uow }),
    searchFlights: createSearchFlights({ uow }),
    updateFlightStatus: createUpdateFlightStatus({ uow, clock }),
    cancelFlight: createCancelFlight({ uow, clock }),
    bookFlight: createBookFlight({ seats, ids, maxSeatsPerBooking: settings.maxSeatsPerBooking }),
    getFlightBooking: createGetFlightBooking({ uow }),
    listFlightBookings: createListFlightBookings({ uow }),
    cancelFlightBooking: createCancelFlightBooking({ uow, clock }),
    closeExpiredFlights: createCloseExpiredFlights({ uow }),
  };
}
export type FlightUseCases = ReturnType<typeof createFlightUseCases>;

/**
 * The offer expiry job on a timer: every replica runs it (the update is conditional, so they
 * never close a flight twice), at start-up first, so flights whose offer ended while the
 * service was down close at once. The job itself is a plain function; any trigger may call it.
 */
export function createFlightExpiryScheduler(deps: { closeExpiredFlights: (call?: Call) => Promise<number>; intervalMs: number; log: Logger }) {
  return createIntervalScheduler({
    name: "flight-offer-expiry",
    intervalMs: deps.intervalMs,
    // The scheduler's signal ends a run in progress at shutdown (its transaction rolls back).
    task: async ({ signal }) => {
      const closed = await deps.closeExpiredFlights({ signal });
      if (closed > 0) deps.log.info({ closed }, "closed flights whose offer ended");
    },
    log: deps.log,
  });
}

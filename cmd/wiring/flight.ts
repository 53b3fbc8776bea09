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
import { countResults } from "../../internal/app/count-results.js";
import type { Logger } from "pino";
import type { FlightChanges } from "../../internal/app/flight/ports.js";
import type { Call, Clock, CounterMetric, IdGenerator } from "../../internal/app/ports.js";
import { createBatchingSeatCoordinator } from "../../internal/infra/postgres/flight/batching-seat-coordinator.js";
import { createFlightRepositories } from "../../internal/infra/postgres/flight/repositories.js";
import { createSeatStatement } from "../../internal/infra/postgres/flight/seat-statement.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createUnitOfWork } from "../../internal/infra/postgres/unit-of-work.js";
import type { CronJob } from "../../internal/infra/scheduler/cron-scheduler.js";
import { outboxWriter } from "./outbox.js";

/** The settings the flight context reads. */
export type FlightSettings = Config["flights"];

/**
 * The flight context's use cases, wired to Postgres: the unit of work for flights and their
 * bookings, and the coordinator (book_flight_seats) behind per-flight batching. Shared by the
 * server, the tests and the bench. The clock must be the real one wherever bookings are made:
 * the coordinator judges offer windows by the database clock. `bookings` counts BookFlight's
 * answers by result (spacet_flight_bookings_total); `closed` counts flights closed, by reason
 * (spacet_flights_closed_total), wherever they close: the coordinator, a status change, the job.
 * `changes` announces each committed change to the watchers of every replica (WatchFlight;
 * none by default).
 */
export function createFlightUseCases(deps: {
  db: Kysely<Database>;
  settings: FlightSettings;
  clock?: Clock;
  ids?: IdGenerator;
  bookings?: CounterMetric<"result">;
  closed?: CounterMetric<"reason">;
  changes?: FlightChanges;
}) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const { settings, closed, changes } = deps;
  const uow = createUnitOfWork(deps.db, createFlightRepositories, outboxWriter(ids));
  const seats = createBatchingSeatCoordinator({
    statement: createSeatStatement(deps.db, { lockTimeoutMs: settings.bookingLockTimeoutMs, closed }),
    maxBatch: settings.bookingBatchMax,
    maxQueue: settings.bookingQueueMax,
  });
  const bookFlight = createBookFlight({ seats, ids, maxSeatsPerBooking: settings.maxSeatsPerBooking, changes });
  return {
    createFlight: createCreateFlight({ uow, clock, ids }),
    getFlight: createGetFlight({ uow }),
    searchFlights: createSearchFlights({ uow }),
    updateFlightStatus: createUpdateFlightStatus({ uow, clock, closed, changes }),
    cancelFlight: createCancelFlight({ uow, clock, changes }),
    bookFlight: deps.bookings ? countResults(bookFlight, deps.bookings, "confirmed") : bookFlight,
    getFlightBooking: createGetFlightBooking({ uow }),
    listFlightBookings: createListFlightBookings({ uow }),
    cancelFlightBooking: createCancelFlightBooking({ uow, clock, changes }),
    closeExpiredFlights: createCloseExpiredFlights({ uow, closed, changes }),
  };
}
export type FlightUseCases = ReturnType<typeof createFlightUseCases>;

/**
 * The offer expiry as a recurring job (FLIGHT_EXPIRY_CRON): every replica runs it (the update is
 * conditional, so no flight is closed twice), and once at start, so flights whose offer ended
 * while no replica ran close at once. The job itself is a plain use case; this only triggers it.
 */
export function flightExpiryJob(deps: { closeExpiredFlights: (call?: Call) => Promise<number>; cron: string; log: Logger }): CronJob {
  const log = deps.log.child({ component: "flight-expiry" });
  return {
    name: "flight-offer-expiry",
    cron: deps.cron,
    runAtStart: true,
    // The scheduler's signal ends a run in progress at shutdown (its transaction rolls back).
    run: async ({ signal }) => {
      const closed = await deps.closeExpiredFlights({ signal });
      if (closed > 0) log.info({ closed }, "closed flights whose offer ended");
    },
  };
}

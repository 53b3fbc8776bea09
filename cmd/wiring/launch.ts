import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { createCancelBooking } from "../../internal/app/launch/cancel-booking.js";
import { createCheckBookingRequest } from "../../internal/app/launch/check-booking-request.js";
import { createCreateBooking } from "../../internal/app/launch/create-booking.js";
import { createGetBooking } from "../../internal/app/launch/get-booking.js";
import { createGetLaunchpad } from "../../internal/app/launch/get-launchpad.js";
import { createListBookings } from "../../internal/app/launch/list-bookings.js";
import { createListLaunches } from "../../internal/app/launch/list-launches.js";
import { createListLaunchpads } from "../../internal/app/launch/list-launchpads.js";
import { countResults } from "../../internal/app/count-results.js";
import type { Clock, CounterMetric, IdGenerator } from "../../internal/app/ports.js";
import { createBooker } from "../../internal/infra/postgres/launch/booker.js";
import { createLaunchRepositories } from "../../internal/infra/postgres/launch/repositories.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createUnitOfWork } from "../../internal/infra/postgres/unit-of-work.js";
import { encodeEvent, outboxWriter } from "./outbox.js";

/**
 * The launch context's use cases, wired to Postgres. Shared by the server and the tests.
 * `bookings` counts CreateBooking's answers by result (spacet_bookings_total).
 */
export function createLaunchUseCases(deps: {
  db: Kysely<Database>;
  launchCapacity: number;
  clock?: Clock;
  ids?: IdGenerator;
  bookings?: CounterMetric<"result">;
}) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const uow = createUnitOfWork(deps.db, createLaunchRepositories, outboxWriter(ids));
  const createBooking = createCreateBooking({
    uow,
    booker: createBooker(deps.db, { ids, encode: encodeEvent }),
    clock,
    ids,
    launchCapacity: deps.launchCapacity,
  });
  return {
    createBooking: deps.bookings ? countResults(createBooking, deps.bookings, "created") : createBooking,
    checkBookingRequest: createCheckBookingRequest({ uow, clock }),
    getBooking: createGetBooking({ uow }),
    listBookings: createListBookings({ uow }),
    cancelBooking: createCancelBooking({ uow, clock }),
    listLaunchpads: createListLaunchpads({ uow }),
    getLaunchpad: createGetLaunchpad({ uow }),
    listLaunches: createListLaunches({ uow }),
  };
}
export type LaunchUseCases = ReturnType<typeof createLaunchUseCases>;

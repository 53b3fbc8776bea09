import { type Kysely, type Selectable, sql } from "kysely";
import type { IdGenerator, Tx, UnitOfWork } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";
import { createBookingRepository } from "./launch/booking-repository.js";
import { createLaunchRepository } from "./launch/launch-repository.js";
import { createLaunchpadRepository, toLaunchpad } from "./launch/launchpad-repository.js";
import { AdvisoryLock } from "./locks.js";
import { createOutboxWriter } from "./outbox-writer.js";
import { isDatabaseUnavailable, isPgError, PG } from "./pg-errors.js";
import type { Database, LaunchpadTable } from "./schema.js";
import { createSpacexScheduleRepository } from "./launch/spacex-schedule-repository.js";

/** Attempts for a transaction that hits a serialization failure or a deadlock. */
const TX_ATTEMPTS = 3;

/** Transactions over Kysely: every repository of a Tx shares one transaction. */
export function createUnitOfWork(db: Kysely<Database>, ids: IdGenerator): UnitOfWork {
  const repositories = (q: Kysely<Database>) => ({
    launchpads: createLaunchpadRepository(q),
    launches: createLaunchRepository(q),
    bookings: createBookingRepository(q),
    spacexSchedule: createSpacexScheduleRepository(q),
  });

  return {
    read: mapUnavailable(repositories(db)),
    async run(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            const tx: Tx = {
              ...repositories(trx),
              outbox: createOutboxWriter(trx, ids),
              async lockForBooking(launchpadId, launchDate) {
                // One statement reads the pad and takes both locks (a round trip saved per
                // booking); the select list runs left to right, so every booking takes them in
                // the same order. The schedule lock is shared: bookings never wait for each
                // other on it, only for a sync holding it exclusively. The SpaceX schedule must
                // be read by a LATER statement: a statement's snapshot is taken when it starts,
                // before it waits here for a sync to finish. Both locks go at commit/rollback.
                const { rows } = await sql<Selectable<LaunchpadTable>>`
                  select p.*,
                         pg_advisory_xact_lock_shared(${AdvisoryLock.bookingWrites}),
                         pg_advisory_xact_lock(${AdvisoryLock.padWeek}, hashtext(p.id || date_trunc('week', ${launchDate}::timestamp)::date))
                    from launchpads p where p.id = ${launchpadId}`.execute(trx);
                return rows[0] && toLaunchpad(rows[0]);
              },
            };
            return fn(tx);
          });
        } catch (e) {
          const retryable = isPgError(e, PG.serializationFailure) || isPgError(e, PG.deadlockDetected);
          if (retryable && attempt < TX_ATTEMPTS) continue;
          if (retryable || isPgError(e, PG.lockNotAvailable)) {
            throw new DomainError("conflict", "CONCURRENT_UPDATE", "the data changed concurrently; retry the request", { cause: e });
          }
          throw isDatabaseUnavailable(e) ? databaseUnavailable(e) : e;
        }
      }
    },
  };
}

const databaseUnavailable = (cause: unknown) =>
  new DomainError("unavailable", "DATABASE_UNAVAILABLE", "the database is unavailable; retry the request", { cause });

/** Wraps every method of every repository so a lost database reads as "unavailable". */
function mapUnavailable<T extends Record<string, object>>(repos: T): T {
  const wrap = <R extends object>(repo: R): R =>
    Object.fromEntries(
      Object.entries(repo).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
          } catch (e) {
            throw isDatabaseUnavailable(e) ? databaseUnavailable(e) : e;
          }
        },
      ]),
    ) as R;
  return Object.fromEntries(Object.entries(repos).map(([k, r]) => [k, wrap(r)])) as T;
}

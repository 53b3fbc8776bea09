import type { Kysely } from "kysely";
import type { Outbox, UnitOfWork } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";
import { databaseUnavailable, isDatabaseUnavailable, isPgError, PG } from "./pg-errors.js";
import type { Database } from "./schema.js";

/** Attempts for a transaction that hits a serialization failure or a deadlock. */
const TX_ATTEMPTS = 3;

/** Builds a context's repositories over `db`, which is either the pool or one transaction. */
export type MakeRepositories<R> = (db: Kysely<Database>) => R;

/** The outbox writer of one transaction. */
export type MakeOutbox = (trx: Kysely<Database>) => Outbox;

/**
 * Transactions over Kysely for any context: every repository `makeRepositories` builds for a
 * transaction shares it with the outbox, so state changes and their events commit together.
 *
 * - A serialization failure or deadlock reruns the whole function (its reads included) up to
 *   TX_ATTEMPTS times; left over, or a lock wait past `lock_timeout`, it is the domain's
 *   "conflict" (ABORTED: the client may retry).
 * - A lost or unreachable database is "unavailable" (UNAVAILABLE), in and outside transactions.
 */
export function createUnitOfWork<R extends object>(db: Kysely<Database>, makeRepositories: MakeRepositories<R>, makeOutbox: MakeOutbox): UnitOfWork<R> {
  return {
    read: mapUnavailable(makeRepositories(db)),
    run: (fn) => runTransaction(() => db.transaction().execute((trx) => fn({ ...makeRepositories(trx), outbox: makeOutbox(trx) }))),
  };
}

/**
 * Runs `attempt`, one whole transaction (BEGIN … COMMIT, or one statement in autocommit), with
 * the unit of work's error handling: a serialization failure or deadlock reruns it up to
 * TX_ATTEMPTS times; left over, or a lock wait past `lock_timeout`, it is the domain's
 * "conflict"; a lost or unreachable database is "unavailable".
 */
export async function runTransaction<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const retryable = isPgError(e, PG.serializationFailure) || isPgError(e, PG.deadlockDetected);
      if (retryable && n < TX_ATTEMPTS) continue;
      if (retryable || isPgError(e, PG.lockNotAvailable)) {
        throw new DomainError("conflict", "CONCURRENT_UPDATE", "the data changed concurrently; retry the request", { cause: e });
      }
      throw isDatabaseUnavailable(e) ? databaseUnavailable(e) : e;
    }
  }
}

/** Wraps every method of every repository so a lost database reads as "unavailable". */
function mapUnavailable<T extends object>(repos: T): T {
  const wrap = (repo: object): object =>
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
    );
  return Object.fromEntries(Object.entries(repos).map(([k, r]) => [k, typeof r === "function" ? r : wrap(r as object)])) as T;
}

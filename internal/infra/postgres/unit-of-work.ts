import type { Kysely } from "kysely";
import type { Outbox, UnitOfWork } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";
import { withSignal } from "./db.js";
import { isPgError, PG } from "./pg-errors.js";
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
 * - Database faults are already "unavailable" when they get here: the service's driver
 *   (service-dialect.ts) classifies them for every statement, in transactions or not.
 * - `call.signal` goes with the work (`withSignal`): the driver stops waiting, cancels the
 *   statement in flight and never sends COMMIT once it fired. No retry follows an abort.
 *
 * `db` comes from openDatabase (only its instances can be bound to a signal).
 */
export function createUnitOfWork<R extends object>(db: Kysely<Database>, makeRepositories: MakeRepositories<R>, makeOutbox: MakeOutbox): UnitOfWork<R> {
  const reads = makeRepositories(db);
  return {
    read: (call) => (call?.signal ? makeRepositories(withSignal(db, call.signal)) : reads),
    run: (fn, call) =>
      runTransaction(db, call?.signal, (bound) => bound.transaction().execute((trx) => fn({ ...makeRepositories(trx), outbox: makeOutbox(trx) }))),
  };
}

/**
 * Runs `attempt`, one whole transaction (BEGIN … COMMIT, or one statement in autocommit), on
 * `db` bound to `signal` (`withSignal`), with the unit of work's error handling: a serialization
 * failure or deadlock reruns it up to TX_ATTEMPTS times; left over, or a lock wait past
 * `lock_timeout`, it is the domain's "conflict". No rerun follows an abort.
 */
export async function runTransaction<T>(db: Kysely<Database>, signal: AbortSignal | undefined, attempt: (bound: Kysely<Database>) => Promise<T>): Promise<T> {
  const bound = withSignal(db, signal);
  for (let n = 1; ; n++) {
    try {
      return await attempt(bound);
    } catch (e) {
      if (signal?.aborted) throw e;
      const retryable = isPgError(e, PG.serializationFailure) || isPgError(e, PG.deadlockDetected);
      if (retryable && n < TX_ATTEMPTS) continue;
      if (retryable || isPgError(e, PG.lockNotAvailable)) {
        throw new DomainError("conflict", "CONCURRENT_UPDATE", "the data changed concurrently; retry the request", { cause: e });
      }
      throw e;
    }
  }
}

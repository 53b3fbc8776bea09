import type pg from "pg";
import type { IdGenerator } from "../../../app/ports.js";
import type { SyncLock, SyncSession, SyncTx } from "../../../app/spacex-sync/ports.js";
import { createArrayOutboxWriter } from "../../outbox/outbox-writer.js";
import { type CountingQuery, countingQuery } from "../counting-query.js";
import { upsertLaunchpads } from "./launchpad-upsert.js";
import { AdvisoryLock } from "../locks.js";
import { cancelSpacexConflicts, replaceSpacexSchedule } from "./spacex-mirror.js";
import { insertSyncRun, lastSuccessfulSync } from "./sync-runs.js";

/** How long the sync's transaction waits for in-flight bookings to let go of the booking-writes lock. */
const BOOKING_WRITES_LOCK_TIMEOUT = "10s";

/**
 * The SpaceX sync lock, held correctly (seed bug 1.11.1 locked and unlocked through a pool):
 *
 * - ONE connection is checked out of the pool for the whole run, and the try-lock, the due
 *   check, the transaction and the unlock all go through it. A session-level advisory lock
 *   belongs to the connection that took it, so it can neither leak to another pool user nor
 *   be "unlocked" from a connection that does not own it.
 * - Session level, not transaction level, because the run fetches from SpaceX (seconds, with
 *   retries) between taking the lock and writing, and no transaction may stay open that long.
 * - `pg_try_advisory_lock`: a replica that finds it held skips the run instead of queueing.
 * - If the process dies (even SIGKILL), its connection drops and the server frees the lock.
 * - After any failure, or an unlock that did not report success, the connection is destroyed
 *   rather than returned to the pool: closing the session is what guarantees the lock is gone.
 */
export function createSyncLock(pool: pg.Pool, ids: IdGenerator): SyncLock {
  return {
    async runExclusive(fn) {
      const client = await pool.connect();
      // A server-side termination must surface as a failed query, not an unhandled 'error' event.
      const ignore = () => undefined;
      client.on("error", ignore);
      const q = countingQuery(client);
      let locked = false;
      let broken: Error | undefined;
      try {
        const { rows } = await q.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [AdvisoryLock.spacexSync]);
        locked = rows[0].locked;
        if (!locked) return { acquired: false };
        return { acquired: true, value: await fn(createSyncSession(q, ids)) };
      } catch (e) {
        broken = e instanceof Error ? e : new Error(String(e));
        throw e;
      } finally {
        if (locked) {
          try {
            const { rows } = await q.query<{ unlocked: boolean }>("select pg_advisory_unlock($1) as unlocked", [AdvisoryLock.spacexSync]);
            if (!rows[0].unlocked) broken ??= new Error("the SpaceX sync lock was not held at unlock");
          } catch (e) {
            broken ??= e instanceof Error ? e : new Error(String(e));
          }
        }
        client.removeListener("error", ignore);
        client.release(broken);
      }
    },
  };
}

function createSyncSession(q: CountingQuery, ids: IdGenerator): SyncSession {
  return {
    get roundTrips() {
      return q.count;
    },
    lastSuccess: (job) => lastSuccessfulSync(q, job),
    recordRun: (run) => insertSyncRun(q, run),
    async transaction(fn) {
      try {
        // One round trip (simple protocol, no parameters): open the transaction, bound lock waits,
        // and take the booking-writes lock exclusively until commit. Bookings hold it shared while
        // they check the SpaceX mirror and take a seat, so from here on none is in flight and none
        // can start: a booking checked against the old schedule cannot commit after our cancels.
        await q.query(
          `begin; set local lock_timeout = '${BOOKING_WRITES_LOCK_TIMEOUT}'; select pg_advisory_xact_lock(${AdvisoryLock.bookingWrites})`,
        );
        const value = await fn(createSyncTx(q, ids));
        await q.query("commit");
        return value;
      } catch (e) {
        // If even the rollback fails the connection is broken; the lock owner destroys it.
        await q.query("rollback").catch(() => undefined);
        throw e;
      }
    },
  };
}

function createSyncTx(q: CountingQuery, ids: IdGenerator): SyncTx {
  return {
    replaceSpacexSchedule: (launches, at) => replaceSpacexSchedule(q, launches, at),
    cancelSpacexConflicts: (input) => cancelSpacexConflicts(q, input),
    upsertLaunchpads: (pads, at) => upsertLaunchpads(q, pads, at),
    outbox: createArrayOutboxWriter(q, ids),
    recordRun: (run) => insertSyncRun(q, run),
  };
}

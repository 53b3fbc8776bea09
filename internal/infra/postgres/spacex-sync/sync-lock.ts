import { type Kysely, sql } from "kysely";
import type { SyncLock, SyncSession, SyncTx } from "../../../app/spacex-sync/ports.js";
import { AdvisoryLock } from "../locks.js";
import type { Database } from "../schema.js";
import type { MakeOutbox } from "../unit-of-work.js";
import { upsertLaunchpads } from "./launchpad-upsert.js";
import { cancelSpacexConflicts, replaceSpacexSchedule } from "./spacex-mirror.js";
import { insertSyncRun, lastSuccessfulSync } from "./sync-runs.js";

/** How long the sync's transaction waits for in-flight bookings to let go of the booking-writes lock. */
const BOOKING_WRITES_LOCK_TIMEOUT = "10s";

/**
 * The SpaceX sync lock, held on one pinned connection:
 *
 * - ONE connection (`db.connection()`) is held for the whole run, and the try-lock, the due
 *   check, the transaction and the unlock all go through it. A session-level advisory lock
 *   belongs to the connection that took it; taken and released through a pool, the unlock
 *   could land on another connection and the lock would leak.
 * - Session level, not transaction level, because the run fetches from SpaceX (seconds, with
 *   retries) between taking the lock and writing, and no transaction may stay open that long.
 * - `pg_try_advisory_lock`: a replica that finds it held skips the run instead of queueing.
 * - If the process dies (even SIGKILL), its connection drops and the server frees the lock.
 * - The connection goes back to the pool only without the lock: if the unlock fails or does not
 *   report success, `pg_advisory_unlock_all()` clears the session; if even that fails, the
 *   connection is broken and the pool discards it, which ends the session and the lock with it.
 */
export function createSyncLock(db: Kysely<Database>, deps: { readonly outbox: MakeOutbox }): SyncLock {
  return {
    runExclusive(fn) {
      return db.connection().execute(async (conn) => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${AdvisoryLock.spacexSync}) as locked`.execute(conn);
        if (!rows[0].locked) return { acquired: false };
        try {
          return { acquired: true, value: await fn(createSyncSession(conn, deps.outbox)) };
        } finally {
          await unlock(conn);
        }
      });
    },
  };
}

async function unlock(conn: Kysely<Database>): Promise<void> {
  try {
    const { rows } = await sql<{ unlocked: boolean }>`select pg_advisory_unlock(${AdvisoryLock.spacexSync}) as unlocked`.execute(conn);
    if (rows[0].unlocked) return;
  } catch {
    // fall through: make sure the session holds nothing before the pool takes it back
  }
  await sql`select pg_advisory_unlock_all()`.execute(conn).catch(() => undefined);
}

function createSyncSession(conn: Kysely<Database>, outbox: MakeOutbox): SyncSession {
  return {
    lastSuccess: (job) => lastSuccessfulSync(conn, job),
    recordRun: (run) => insertSyncRun(conn, run),
    async transaction(fn) {
      try {
        // One round trip (simple protocol, no parameters): open the transaction, bound lock waits,
        // and take the booking-writes lock exclusively until commit. Bookings hold it shared while
        // they check the SpaceX mirror and take a seat, so from here on none is in flight and none
        // can start: a booking checked against the old schedule cannot commit after our cancels.
        await sql
          .raw(`begin; set local lock_timeout = '${BOOKING_WRITES_LOCK_TIMEOUT}'; select pg_advisory_xact_lock(${AdvisoryLock.bookingWrites})`)
          .execute(conn);
        const value = await fn(createSyncTx(conn, outbox));
        await sql`commit`.execute(conn);
        return value;
      } catch (e) {
        // If even the rollback fails the connection is broken, and the pool discards it.
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw e;
      }
    },
  };
}

function createSyncTx(conn: Kysely<Database>, outbox: MakeOutbox): SyncTx {
  return {
    replaceSpacexSchedule: (launches, at) => replaceSpacexSchedule(conn, launches, at),
    cancelSpacexConflicts: (input) => cancelSpacexConflicts(conn, input),
    upsertLaunchpads: (pads, at) => upsertLaunchpads(conn, pads, at),
    outbox: outbox(conn),
    recordRun: (run) => insertSyncRun(conn, run),
  };
}

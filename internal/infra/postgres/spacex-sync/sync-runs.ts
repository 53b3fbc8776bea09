import type { SyncJobHistory, SyncStatusReader } from "../../../app/spacex-sync/ports.js";
import type { SyncJob, SyncRun, SyncTrigger } from "../../../domain/spacex-sync/sync.js";
import type { Queryable } from "../counting-query.js";
import { AdvisoryLock } from "../locks.js";

interface SyncRunRow {
  id: string;
  job: string;
  trigger: string;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  outcome: string;
  error: string | null;
  fetched: number;
  added: number;
  changed: number;
  removed: number;
  launches_cancelled: number;
  bookings_cancelled: number;
}

function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    job: row.job as SyncJob,
    trigger: row.trigger as SyncTrigger,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    outcome: row.outcome as SyncRun["outcome"],
    error: row.error ?? undefined,
    counts: {
      fetched: row.fetched,
      added: row.added,
      changed: row.changed,
      removed: row.removed,
      launchesCancelled: row.launches_cancelled,
      bookingsCancelled: row.bookings_cancelled,
    },
  };
}

/** Appends one run to sync_runs (in the caller's transaction, if any). */
export async function insertSyncRun(db: Queryable, run: SyncRun): Promise<void> {
  const c = run.counts;
  await db.query(
    `insert into sync_runs (id, job, trigger, started_at, finished_at, duration_ms, outcome, error,
                            fetched, added, changed, removed, launches_cancelled, bookings_cancelled)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [run.id, run.job, run.trigger, run.startedAt, run.finishedAt, run.durationMs, run.outcome, run.error ?? null,
      c.fetched, c.added, c.changed, c.removed, c.launchesCancelled, c.bookingsCancelled],
  );
}

/** Start of the job's latest successful run ("sync if necessary" compares the next tick with it). */
export async function lastSuccessfulSync(db: Queryable, job: SyncJob): Promise<Date | undefined> {
  const { rows } = await db.query<{ started_at: Date | null }>(
    `select max(started_at) as started_at from sync_runs where job = $1 and outcome = 'succeeded'`,
    [job],
  );
  return rows[0]?.started_at ?? undefined;
}

/**
 * The operator's view of the sync, read through the pool. `running` looks for the sync's
 * advisory lock in pg_locks: a bigint key k shows up as classid = k >> 32, objid = k & 0xffffffff,
 * objsubid = 1, in the current database.
 */
export function createSyncStatusReader(db: Queryable): SyncStatusReader {
  return {
    async history(job) {
      // Three index-backed "latest" lookups (sync_runs_latest, sync_runs_latest_by_outcome) in one round trip.
      const { rows } = await db.query<SyncRunRow & { which: keyof SyncJobHistory }>(
        `(select 'lastRun' as which, * from sync_runs where job = $1 order by started_at desc, id limit 1)
         union all
         (select 'lastSuccess', * from sync_runs where job = $1 and outcome = 'succeeded' order by started_at desc, id limit 1)
         union all
         (select 'lastFailure', * from sync_runs where job = $1 and outcome = 'failed' order by started_at desc, id limit 1)`,
        [job],
      );
      const find = (which: keyof SyncJobHistory) => {
        const row = rows.find((r) => r.which === which);
        return row && toSyncRun(row);
      };
      return { lastRun: find("lastRun"), lastSuccess: find("lastSuccess"), lastFailure: find("lastFailure") };
    },
    async isRunning() {
      const key = BigInt(AdvisoryLock.spacexSync);
      const { rows } = await db.query<{ running: boolean }>(
        `select exists (
           select 1 from pg_locks
            where locktype = 'advisory' and granted
              and database = (select oid from pg_database where datname = current_database())
              and classid = $1::bigint::oid and objid = $2::bigint::oid and objsubid = 1) as running`,
        [String(key >> 32n), String(key & 0xffffffffn)],
      );
      return rows[0].running;
    },
  };
}

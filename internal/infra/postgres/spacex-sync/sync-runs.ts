import { type Kysely, type Selectable, sql } from "kysely";
import type { SyncJobHistory, SyncStatusReader } from "../../../app/spacex-sync/ports.js";
import type { SyncJob, SyncRun, SyncTrigger } from "../../../domain/spacex-sync/sync.js";
import { AdvisoryLock } from "../locks.js";
import type { Database, SyncRunTable } from "../schema.js";

function toSyncRun(row: Selectable<SyncRunTable>): SyncRun {
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
export async function insertSyncRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  const c = run.counts;
  await db
    .insertInto("sync_runs")
    .values({
      id: run.id,
      job: run.job,
      trigger: run.trigger,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      duration_ms: run.durationMs,
      outcome: run.outcome,
      error: run.error ?? null,
      fetched: c.fetched,
      added: c.added,
      changed: c.changed,
      removed: c.removed,
      launches_cancelled: c.launchesCancelled,
      bookings_cancelled: c.bookingsCancelled,
    })
    .execute();
}

/** Start of the job's latest successful run ("sync if necessary" compares the next tick with it). */
export async function lastSuccessfulSync(db: Kysely<Database>, job: SyncJob): Promise<Date | undefined> {
  const row = await db
    .selectFrom("sync_runs")
    .select((eb) => eb.fn.max("started_at").as("started_at"))
    .where("job", "=", job)
    .where("outcome", "=", "succeeded")
    .executeTakeFirst();
  return row?.started_at ?? undefined;
}

/**
 * The operator's view of the sync, read through the pool. `running` looks for the sync's
 * advisory lock in pg_locks: a bigint key k shows up as classid = k >> 32, objid = k & 0xffffffff,
 * objsubid = 1, in the current database.
 */
export function createSyncStatusReader(db: Kysely<Database>): SyncStatusReader {
  return {
    async history(job) {
      // Three index-backed "latest" lookups (sync_runs_latest, sync_runs_latest_by_outcome) in one round trip.
      const { rows } = await sql<Selectable<SyncRunTable> & { which: keyof SyncJobHistory }>`
        (select 'lastRun' as which, * from sync_runs where job = ${job} order by started_at desc, id limit 1)
        union all
        (select 'lastSuccess', * from sync_runs where job = ${job} and outcome = 'succeeded' order by started_at desc, id limit 1)
        union all
        (select 'lastFailure', * from sync_runs where job = ${job} and outcome = 'failed' order by started_at desc, id limit 1)`.execute(db);
      const find = (which: keyof SyncJobHistory) => {
        const row = rows.find((r) => r.which === which);
        return row && toSyncRun(row);
      };
      return { lastRun: find("lastRun"), lastSuccess: find("lastSuccess"), lastFailure: find("lastFailure") };
    },
    async isRunning() {
      const key = BigInt(AdvisoryLock.spacexSync);
      const { rows } = await sql<{ running: boolean }>`
        select exists (
          select 1 from pg_locks
           where locktype = 'advisory' and granted
             and database = (select oid from pg_database where datname = current_database())
             and classid = ${String(key >> 32n)}::bigint::oid and objid = ${String(key & 0xffffffffn)}::bigint::oid and objsubid = 1) as running`.execute(db);
      return rows[0].running;
    },
  };
}

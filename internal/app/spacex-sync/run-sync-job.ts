import { DomainError } from "../../domain/errors.js";
import { isSyncDue, NO_COUNTS, type SyncCounts, syncErrorText, type SyncJob, type SyncRun, type SyncTrigger } from "../../domain/spacex-sync/sync.js";
import type { Clock, IdGenerator } from "../ports.js";
import type { SyncLock, SyncSession } from "./ports.js";

/** How a sync job was asked to run. */
export interface SyncJobRequest {
  readonly trigger: SyncTrigger;
  /** Run even when the last success is younger than the interval (an operator's RunSync). */
  readonly force?: boolean;
  /** Aborts the fetch from SpaceX (graceful shutdown); the run is then recorded as failed. */
  readonly signal?: AbortSignal;
}

/**
 * What became of a request: it ran (and succeeded or failed: see `run.outcome`), or it was
 * skipped because another runner holds the lock or the last success is recent enough.
 */
export type SyncOutcome =
  | { readonly kind: "ran"; readonly run: SyncRun }
  | { readonly kind: "locked" }
  | { readonly kind: "not_due"; readonly lastSuccessAt: Date };

/** A sync use case: one job, run on request (so decorators that log or count runs fit any job). */
export type SyncJobRunner = (req: SyncJobRequest) => Promise<SyncOutcome>;

export interface SyncJobDeps {
  readonly lock: SyncLock;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The skeleton every SpaceX sync job shares: take the cluster-wide lock or skip; decide whether
 * the job is due ("sync if necessary"); do the work; record the run. `work` records a success
 * itself, inside the transaction that applies it (via `finish`). Any failure is recorded here,
 * after the work's transaction rolled back, so a failed run leaves its error and nothing else.
 */
export async function runSyncJob(
  deps: SyncJobDeps,
  job: { readonly name: SyncJob; readonly intervalMs: number },
  req: SyncJobRequest,
  work: (session: SyncSession, finish: (counts: SyncCounts) => SyncRun) => Promise<SyncRun>,
): Promise<SyncOutcome> {
  const held = await deps.lock.runExclusive(async (session): Promise<SyncOutcome> => {
    // Decided under the lock: a runner that got the lock just after another one finished sees
    // that run's success here and skips, so replicas ticking together sync once.
    const startedAt = deps.clock();
    const t0 = performance.now();
    if (!req.force) {
      const lastSuccessAt = await session.lastSuccess(job.name);
      if (lastSuccessAt && !isSyncDue(lastSuccessAt, startedAt, job.intervalMs)) return { kind: "not_due", lastSuccessAt };
    }
    const runOf = (outcome: SyncRun["outcome"], error: string | undefined, counts: SyncCounts): SyncRun => {
      const end = deps.clock();
      return {
        id: deps.ids(),
        job: job.name,
        trigger: req.trigger,
        startedAt,
        // A wall clock stepped back during the run must not make it end before it started.
        finishedAt: new Date(Math.max(end.getTime(), startedAt.getTime())),
        durationMs: Math.round(performance.now() - t0),
        outcome,
        error,
        counts,
      };
    };
    try {
      const run = await work(session, (counts) => runOf("succeeded", undefined, counts));
      return { kind: "ran", run };
    } catch (error) {
      const run = runOf("failed", syncErrorText(error), NO_COUNTS);
      try {
        await session.recordRun(run);
      } catch (recordError) {
        // The database went away mid-run: that is what the caller must hear (UNAVAILABLE), not a bug.
        if (recordError instanceof DomainError) throw recordError;
        throw new Error(`sync ${job.name} failed (${run.error}) and the failure could not be recorded`, { cause: recordError });
      }
      return { kind: "ran", run };
    }
  });
  return held.acquired ? held.value : { kind: "locked" };
}

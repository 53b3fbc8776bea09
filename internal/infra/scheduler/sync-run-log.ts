import type { SyncOutcome } from "../../app/spacex-sync/run-sync-job.js";
import type { SyncJob } from "../../domain/spacex-sync/sync.js";

/** The subset of a pino logger the sync log uses. */
export interface SyncRunLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * One log line per sync request, with the run's counts: info for a success, warn for a failure
 * (with the error operators also see in GetSyncStatus), info for a run skipped because another
 * runner holds the lock, debug for a tick that found the job not due yet.
 */
export function createSyncRunLog(log: SyncRunLogger): (job: SyncJob, outcome: SyncOutcome) => void {
  return (job, outcome) => {
    switch (outcome.kind) {
      case "ran": {
        const { run } = outcome;
        const base = { job, runId: run.id, trigger: run.trigger, durationMs: run.durationMs, roundTrips: outcome.roundTrips };
        if (run.outcome === "succeeded") log.info({ ...base, ...run.counts }, "spacex sync succeeded");
        else log.warn({ ...base, error: run.error }, "spacex sync failed");
        return;
      }
      case "locked":
        log.info({ job }, "spacex sync skipped: another runner holds the lock");
        return;
      case "not_due":
        log.debug({ job, lastSuccessAt: outcome.lastSuccessAt.toISOString() }, "spacex sync skipped: not due yet");
        return;
    }
  };
}

import type { Logger } from "../../app/ports.js";
import type { SyncJobRunner } from "../../app/spacex-sync/run-sync-job.js";
import type { SyncJob } from "../../domain/spacex-sync/sync.js";
import type { StatementCounter } from "../postgres/statement-counter.js";

/**
 * Wraps a sync job so that every request logs one line with the run's counts and the SQL
 * round trips it took (counted on the database the job was built over): info for a success,
 * one short warn line for a failure (the one-line cause operators also see in GetSyncStatus,
 * and when the next attempt is due; the retries' stacks are at debug level), info for a run
 * skipped because another runner holds the lock, debug for a tick that found it not due yet.
 */
export function withSyncRunLog(
  job: SyncJob,
  runner: SyncJobRunner,
  deps: { readonly log: Logger; readonly counter: StatementCounter; readonly nextRunAt?: () => Date | undefined },
): SyncJobRunner {
  return async (req) => {
    const { value: outcome, statements: roundTrips } = await deps.counter.count(() => runner(req));
    switch (outcome.kind) {
      case "ran": {
        const { run } = outcome;
        const base = { job, runId: run.id, trigger: run.trigger, durationMs: run.durationMs, roundTrips };
        if (run.outcome === "succeeded") deps.log.info({ ...base, ...run.counts }, "spacex sync succeeded");
        else if (req.signal?.aborted) deps.log.info({ ...base, error: run.error }, "spacex sync cut short: the process is stopping");
        else deps.log.warn({ ...base, error: run.error, nextAttemptAt: deps.nextRunAt?.()?.toISOString() }, "spacex sync failed");
        break;
      }
      case "locked":
        deps.log.info({ job }, "spacex sync skipped: another runner holds the lock");
        break;
      case "not_due":
        deps.log.debug({ job, lastSuccessAt: outcome.lastSuccessAt.toISOString() }, "spacex sync skipped: not due yet");
        break;
    }
    return outcome;
  };
}

import type { SyncJob } from "../../domain/spacex-sync/sync.js";
import type { CounterMetric, HistogramMetric } from "../ports.js";
import type { SyncJobRunner, SyncOutcome } from "./run-sync-job.js";

/** What the SpaceX sync reports to /metrics. */
export interface SyncMetrics {
  /** Every request of a job by `outcome`: succeeded, failed, locked (another runner had it), not_due. */
  readonly runs: CounterMetric<"job" | "outcome">;
  /** How long the runs that ran took (seconds), by job and succeeded/failed. */
  readonly duration: HistogramMetric<"job" | "outcome">;
  /** What the runs cancelled because SpaceX took the day: `kind` booking or launch. */
  readonly cancellations: CounterMetric<"kind">;
}

/** The `outcome` label of a request's outcome. */
function outcomeLabel(outcome: SyncOutcome): string {
  return outcome.kind === "ran" ? outcome.run.outcome : outcome.kind;
}

/**
 * Wraps a sync job so that every request is counted, and every run timed, in `metrics`. A
 * request that throws (its failure could not even be recorded) counts as failed.
 */
export function withSyncRunMetrics(job: SyncJob, runner: SyncJobRunner, metrics: SyncMetrics): SyncJobRunner {
  return async (req) => {
    let outcome: SyncOutcome;
    try {
      outcome = await runner(req);
    } catch (e) {
      metrics.runs.inc({ job, outcome: "failed" });
      throw e;
    }
    const labels = { job, outcome: outcomeLabel(outcome) };
    metrics.runs.inc(labels);
    if (outcome.kind === "ran") {
      metrics.duration.observe(labels, outcome.run.durationMs / 1000);
      const { bookingsCancelled, launchesCancelled } = outcome.run.counts;
      if (bookingsCancelled > 0) metrics.cancellations.inc({ kind: "booking" }, bookingsCancelled);
      if (launchesCancelled > 0) metrics.cancellations.inc({ kind: "launch" }, launchesCancelled);
    }
    return outcome;
  };
}

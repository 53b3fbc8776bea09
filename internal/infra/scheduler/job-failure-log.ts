import { unlessStopping } from "../../../pkg/unless-stopping/unless-stopping.js";
import type { Logger } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";

/** What {@link logJobFailure} needs to know about the job and its scheduler. */
export interface FailedJob {
  readonly job: string;
  readonly log: Logger;
  /** True once the scheduler was told to stop (the run was told to give up). */
  readonly stopping: () => boolean;
  /** The job's next slot, when the next attempt is due. */
  readonly nextRunAt: () => Date | undefined;
}

/**
 * Logs a run that rejected, in proportion to what it means to an operator:
 * - once the scheduler stops, the run was told to give up and its dependencies may be stopping
 *   too: expected, debug only;
 * - a dependency that is down (the domain's "unavailable": the database went away, is read-only
 *   or out of connections) is the world's state, not a bug, and the next slot tries again: one
 *   short warning with the cause and the next attempt, the stack at debug. It waits a moment to
 *   learn whether a stop explains it (Ctrl-C stops an embedded database a moment before this
 *   process hears it), and then stays at debug;
 * - anything else is a bug worth its stack: error.
 */
export function logJobFailure(err: unknown, failed: FailedJob): void {
  const { job, log } = failed;
  const endedByStop = () => log.debug({ err, job }, "scheduled job ended by stop");
  if (failed.stopping()) {
    endedByStop();
    return;
  }
  if (!(err instanceof DomainError && err.kind === "unavailable")) {
    log.error({ err, job }, "scheduled job failed");
    return;
  }
  unlessStopping(
    failed.stopping,
    () => {
      const nextAttemptAt = failed.nextRunAt()?.toISOString();
      log.warn({ job, reason: err.reason, cause: causeText(err), nextAttemptAt }, "scheduled job skipped: a dependency is unavailable");
      log.debug({ err, job }, "scheduled job skipped: the error");
    },
    endedByStop,
  );
}

/** The underlying fault in one line (e.g. "connect ECONNREFUSED 127.0.0.1:5432"), else the domain's message. */
function causeText(err: DomainError): string {
  const cause = err.cause;
  if (!(cause instanceof Error)) return err.message;
  const code = (cause as { code?: unknown }).code;
  return (cause.message || (typeof code === "string" ? code : "") || cause.name).replace(/\s+/g, " ").trim();
}

import { blocksPad, type DatePrecision } from "../launch/launch.js";

/** The two SpaceX synchronisations: the launch schedule (every interval) and the pads (monthly). */
export type SyncJob = "spacex_launches" | "launchpads";
/** What started a run: the first tick after start-up, a later tick, or an operator (RunSync). */
export type SyncTrigger = "startup" | "schedule" | "manual";

/** What one run saw and did. */
export interface SyncCounts {
  /** Documents SpaceX returned (launches or launchpads). */
  readonly fetched: number;
  readonly added: number;
  readonly changed: number;
  /** Mirror rows deleted because they left SpaceX's upcoming list. */
  readonly removed: number;
  readonly launchesCancelled: number;
  readonly bookingsCancelled: number;
}

export const NO_COUNTS: SyncCounts = { fetched: 0, added: 0, changed: 0, removed: 0, launchesCancelled: 0, bookingsCancelled: 0 };

/** One completed run, as recorded. A failed run carries its error and zero counts. */
export interface SyncRun {
  readonly id: string;
  readonly job: SyncJob;
  readonly trigger: SyncTrigger;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly outcome: "succeeded" | "failed";
  readonly error: string | undefined;
  readonly counts: SyncCounts;
}

const DATE_PRECISIONS: readonly DatePrecision[] = ["hour", "day", "month", "quarter", "half", "year"];

/**
 * Rule 5 as a list, for set-based SQL: the precisions whose date blocks a pad-local day. Derived
 * from `blocksPad` so the sync and the booking check cannot disagree about the policy.
 */
export const BLOCKING_PRECISIONS: readonly DatePrecision[] = DATE_PRECISIONS.filter(blocksPad);

/** Tolerance of the due check: 5% of the interval, at most one minute. */
const SLACK_FRACTION = 0.05;
const SLACK_MAX_MS = 60_000;

/** How early a tick may come and still count as "one interval later" (see {@link isSyncDue}). */
export function syncSlackMs(intervalMs: number): number {
  return Math.min(intervalMs * SLACK_FRACTION, SLACK_MAX_MS);
}

/**
 * "Sync if necessary": due when nothing succeeded yet, or when the last success started at least
 * one interval (less a small slack) before `now`.
 *
 * The slack keeps the job from running only every other tick: the timer fires every interval,
 * but timers drift and a run's start is recorded a few milliseconds after its tick, so the next
 * tick can find the last success a hair younger than the interval and skip, doubling the period.
 * A tick equal to the interval, or a little early, therefore runs. The cost: with several
 * replicas ticking out of phase, the effective period can shrink by up to the slack.
 */
export function isSyncDue(lastSuccessAt: Date | undefined, now: Date, intervalMs: number): boolean {
  if (lastSuccessAt === undefined) return true;
  return now.getTime() - lastSuccessAt.getTime() >= intervalMs - syncSlackMs(intervalMs);
}

/** The operator-facing text of a failure: one line, bounded, no stack. */
export function syncErrorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return line.length > 1000 ? `${line.slice(0, 997)}...` : line;
}

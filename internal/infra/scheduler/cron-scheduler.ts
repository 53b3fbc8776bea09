import { createTask, type Logger as CronLogger, type ScheduledTask, validate } from "node-cron";
import type { Logger } from "../../app/ports.js";
import { logJobFailure } from "./job-failure-log.js";

/** One firing of a job. */
export interface JobRun {
  /** True for the run as the scheduler starts (a job with `runAtStart`), false on a cron slot. */
  readonly first: boolean;
  /** Aborted when the scheduler stops, so a job can cut a slow fetch short. */
  readonly signal: AbortSignal;
}

/** A recurring job. */
export interface CronJob {
  /** Names the node-cron task and every log line about the job, e.g. "spacex-launches". */
  readonly name: string;
  /** When it runs, in UTC: 5 fields (minute first), or 6 with seconds first. Validated with the config. */
  readonly cron: string;
  /** Also run once as soon as the scheduler starts (the SpaceX sync at start-up). */
  readonly runAtStart?: boolean;
  /**
   * The work. A failure is logged (see logJobFailure) and the next slot runs again; it never
   * stops the schedule.
   */
  readonly run: (run: JobRun) => Promise<void>;
}

export interface CronScheduler {
  /** Registers a job (started at once when the scheduler runs). Throws on a bad expression or a name in use. */
  add(job: CronJob): void;
  /** Starts every job's task, and the runs at start. Calling it again does nothing. */
  start(): void;
  /** Stops every task, aborts the runs' signal and waits for the runs in progress to end. */
  stop(): Promise<void>;
  /** When a job's next slot is due; undefined for an unknown job, before start and after stop. */
  nextRunAt(name: string): Date | undefined;
}

/**
 * How late a cron slot may still run (a timer fires late when the event loop was busy or the
 * machine slept); node-cron's default of one second would drop an hourly slot for a hiccup.
 * A slot never runs once the next one is due.
 */
const MISSED_SLOT_TOLERANCE_MS = 30_000;

interface Entry {
  readonly job: CronJob;
  readonly task: ScheduledTask;
  running: Promise<void> | undefined;
}

/**
 * node-cron as a trigger only (STYLE "Scheduler"): it decides when a job fires, never whether
 * the work is due or which replica does it; the job asks the database (advisory lock, "last
 * success older than the interval"). In this process a job never overlaps itself: node-cron's
 * `noOverlap` holds back a slot while the previous slot's run is going, and a slot that finds
 * the start-up run still going is skipped the same way; skips are logged at debug. Expressions
 * are read in UTC, so every replica fires on the same wall clock.
 */
export function createCronScheduler(opts: { readonly log: Logger }): CronScheduler {
  const log = opts.log;
  const abort = new AbortController();
  const entries = new Map<string, Entry>();
  let started = false;

  const fire = (entry: Entry, first: boolean): Promise<void> => {
    const job = entry.job.name;
    if (abort.signal.aborted) return Promise.resolve();
    if (entry.running) {
      log.debug({ job }, "scheduled run skipped: the previous run is still going");
      return Promise.resolve();
    }
    const running = entry.job
      .run({ first, signal: abort.signal })
      .catch((err: unknown) => logJobFailure(err, { job, log, stopping: () => abort.signal.aborted, nextRunAt: () => nextRunAt(entry) }))
      .finally(() => {
        entry.running = undefined;
      });
    entry.running = running;
    return running;
  };

  const nextRunAt = (entry: Entry): Date | undefined => (started && !abort.signal.aborted ? (entry.task.getNextRun() ?? undefined) : undefined);

  const startEntry = (entry: Entry) => {
    void entry.task.start();
    if (entry.job.runAtStart) void fire(entry, true);
  };

  return {
    add(job) {
      if (!validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
      if (entries.has(job.name)) throw new Error(`job ${job.name} is scheduled already`);
      if (abort.signal.aborted) return;
      const entry: Entry = {
        job,
        task: createTask(job.cron, () => fire(entry, false), {
          name: job.name,
          timezone: "Etc/UTC",
          noOverlap: true,
          missedExecutionTolerance: MISSED_SLOT_TOLERANCE_MS,
          logger: cronLogger(log, job.name),
        }),
        running: undefined,
      };
      entry.task.on("execution:overlap", () => log.debug({ job: job.name }, "scheduled run skipped: the previous run is still going"));
      entry.task.on("execution:missed", (ctx) =>
        log.warn({ job: job.name, slot: ctx.date.toISOString() }, "scheduled run missed: the process was busy or suspended past its slot"),
      );
      entries.set(job.name, entry);
      if (started) startEntry(entry);
    },
    start() {
      if (started || abort.signal.aborted) return;
      started = true;
      for (const entry of entries.values()) startEntry(entry);
    },
    async stop() {
      abort.abort(new Error("the scheduler is stopping"));
      await Promise.all([...entries.values()].map((e) => e.task.destroy()));
      await Promise.all([...entries.values()].map((e) => e.running));
    },
    nextRunAt(name) {
      const entry = entries.get(name);
      return entry && nextRunAt(entry);
    },
  };
}

/**
 * node-cron's own messages go to debug: what matters of them (a skipped or missed slot, a
 * failed run) is logged above with the job's name; its errors stay errors.
 */
function cronLogger(log: Logger, job: string): CronLogger {
  const debug = (message: unknown) => log.debug({ job, detail: String(message) }, "node-cron");
  return {
    info: debug,
    warn: debug,
    debug,
    error: (message, err) => log.error({ job, err: err ?? message }, "node-cron error"),
  };
}

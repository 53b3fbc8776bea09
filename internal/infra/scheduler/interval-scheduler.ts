import type { Logger } from "../../app/ports.js";

/** One firing of the timer. */
export interface Tick {
  /** True for the run at start-up, before the first interval has passed. */
  readonly first: boolean;
  /** Aborted when the scheduler stops, so the task can cut a slow fetch short. */
  readonly signal: AbortSignal;
}

export interface IntervalScheduler {
  /** Runs the task now, then every interval. Calling it twice is a no-op. */
  start(): void;
  /** Stops the timer, aborts the signal and waits for a run in progress to end. */
  stop(): Promise<void>;
  /** When the timer fires next; undefined before start and after stop. */
  nextRunAt(): Date | undefined;
}

/** setInterval keeps delays in a signed 32-bit integer; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A timer that is only a trigger (STYLE "Scheduler"): it decides nothing about whether work is
 * due or whether another replica is doing it; the task asks the database. It fires at start-up
 * and then at a fixed rate (not "interval after the previous run ended"), so a task that checks
 * "last success at least one interval ago, with slack" runs on every tick instead of every
 * other one. No overlap in this process: a tick that finds the previous run still going is
 * skipped. Intervals beyond the timer's range fire at its maximum; the task's due check
 * makes such early ticks harmless. The task's errors are logged, never left unhandled.
 */
export function createIntervalScheduler(opts: {
  readonly name: string;
  readonly intervalMs: number;
  readonly task: (tick: Tick) => Promise<void>;
  readonly log: Logger;
}): IntervalScheduler {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let startedAt = 0;
  const periodMs = Math.min(Math.max(1, opts.intervalMs), MAX_TIMER_MS);

  const fire = (first: boolean) => {
    if (abort.signal.aborted) return;
    if (running) {
      opts.log.debug({ task: opts.name }, "tick skipped: the previous run is still going");
      return;
    }
    running = opts
      .task({ first, signal: abort.signal })
      // A run that fails once stop() was called was told to give up (and its dependencies may be
      // stopping too): expected, so no error line.
      .catch((err: unknown) =>
        abort.signal.aborted
          ? opts.log.debug({ err, task: opts.name }, "scheduled task ended by stop")
          : opts.log.error({ err, task: opts.name }, "scheduled task failed"),
      )
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      if (started || abort.signal.aborted) return;
      started = true;
      startedAt = Date.now();
      fire(true);
      timer = setInterval(() => fire(false), periodMs);
    },
    nextRunAt() {
      if (!started || abort.signal.aborted) return undefined;
      // Fixed rate: the ticks fall on startedAt + k·period.
      return new Date(startedAt + (Math.floor((Date.now() - startedAt) / periodMs) + 1) * periodMs);
    },
    async stop() {
      clearInterval(timer);
      abort.abort(new Error(`${opts.name} is stopping`));
      await running;
    },
  };
}

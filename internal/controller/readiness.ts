import type { Logger } from "../app/ports.js";
import { unlessStopping } from "../../pkg/unless-stopping/unless-stopping.js";

/** Where the process is in its life: probes and gRPC health follow this. */
export type Lifecycle = "starting" | "ready" | "draining";

/** A dependency check: resolves when healthy, rejects with the reason otherwise. */
export type DependencyCheck = () => Promise<void>;

/** What /readiness and gRPC health both answer from. */
export interface ReadinessState {
  readonly lifecycle: Lifecycle;
  /** The last database check; undefined before the first one. */
  readonly database: boolean | undefined;
  /** Started, not draining, and the database takes writes. */
  readonly ready: boolean;
}

export interface Readiness {
  /** Checks the database now (concurrent callers share one check) and returns the new state. */
  refresh(): Promise<ReadinessState>;
  /** The state as last checked. */
  current(): ReadinessState;
  /** Re-checks every `intervalMs` from now on, so watchers learn of changes nobody asked about. */
  start(): void;
  /** Stops the re-checks for good: a start() after it does nothing (a stop during start-up wins). */
  stop(): void;
}

/** A check that does not answer in time has failed. */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * The one source of truth for "should this replica get traffic": /readiness and grpc.health.v1
 * (Check and Watch) both read it, so they can never disagree. A check runs when either is asked
 * and every `intervalMs` in between (for Watch streams); every change of the verdict is reported
 * to `onChange` and logged once with its reason, which is where the reason goes: probes answer
 * strangers too, so they name only the check and whether it passed.
 */
export function createReadiness(deps: {
  lifecycle: () => Lifecycle;
  database: DependencyCheck;
  intervalMs: number;
  log: Logger;
  onChange: (ready: boolean) => void;
}): Readiness {
  let database: boolean | undefined;
  let reported: boolean | undefined;
  let inFlight: Promise<ReadinessState> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const current = (): ReadinessState => {
    const lifecycle = deps.lifecycle();
    return { lifecycle, database, ready: lifecycle === "ready" && database === true };
  };

  const settle = (ok: boolean, reason?: unknown): ReadinessState => {
    if (ok !== database) {
      if (ok) deps.log.info({ check: "database" }, "readiness check passes");
      // While draining the database may go first (an embedded one stops with the process).
      else
        unlessStopping(
          () => deps.lifecycle() === "draining",
          () => deps.log.warn({ check: "database", err: reason }, "readiness check fails"),
          () => deps.log.debug({ check: "database", err: reason }, "readiness check fails"),
        );
    }
    database = ok;
    const state = current();
    if (state.ready !== reported) {
      reported = state.ready;
      deps.onChange(state.ready);
    }
    return state;
  };

  const refresh = (): Promise<ReadinessState> =>
    (inFlight ??= withTimeout(deps.database(), CHECK_TIMEOUT_MS)
      .then(
        () => settle(true),
        (e: unknown) => settle(false, e),
      )
      .finally(() => {
        inFlight = undefined;
      }));

  return {
    refresh,
    current,
    start() {
      if (stopped) return;
      timer ??= setInterval(() => void refresh(), deps.intervalMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** `work`, or a rejection once `ms` passed without an answer. */
export function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

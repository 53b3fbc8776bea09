import { type Backoff, backoffDelay } from "../../../pkg/backoff/backoff.js";
import type { Logger } from "../../app/ports.js";
import type { EventPublisher, OutboxRelayStore, PendingEvent } from "./ports.js";
import { type RelayPassDeps, runRelayPass } from "./relay-pass.js";

export interface OutboxRelayOptions {
  readonly store: OutboxRelayStore;
  readonly publisher: EventPublisher;
  /** Topic per aggregate type, e.g. `{ launch: config.pubsub.launchesTopic }`. */
  readonly topics: Readonly<Record<string, string>>;
  /** CloudEvents source prefix, e.g. `/spacet`. */
  readonly source: string;
  /**
   * NOTIFICATIONS_BATCH_SIZE_MAX: aggregates and (about) events per pass. It bounds throughput:
   * a pass costs three statements and one publish round trip whatever its size (bench/outbox.ts).
   * A relay holds up to `concurrency` × this many events in memory.
   */
  readonly batchSize: number;
  /**
   * Passes in flight at once (default DEFAULT_RELAY_CONCURRENCY). One pass alternates between
   * the database and Pub/Sub, so alone it leaves each idle half the time; with several, the
   * next claim and load run while earlier passes publish. 1 is the strictly sequential relay.
   */
  readonly concurrency?: number;
  /** NOTIFICATIONS_INTERVAL: the poll fallback when no notification arrives. */
  readonly pollIntervalMs: number;
  /** Lease of a claimed aggregate (default 60 s); must exceed twice the publish deadline. */
  readonly leaseTtlMs?: number;
  /** Backoff of a failing aggregate (default DEFAULT_RELAY_BACKOFF). */
  readonly backoff?: Backoff;
  readonly log: Logger;
  /** See RelayPassDeps.onPublished; must not throw. */
  readonly onPublished?: (event: PendingEvent) => void;
  /** See RelayPassDeps.events. */
  readonly events?: RelayPassDeps["events"];
}

export interface OutboxRelay {
  /** Looks for work now, then on every wake and poll. */
  start(): void;
  /** A commit happened (NOTIFY) or the session reconnected: run a pass as soon as possible. */
  wake(): void;
  /** Stops after the passes in progress have published and settled their batches. */
  stop(): Promise<void>;
}

/**
 * Chosen with bench/outbox.ts (10,000 events on 20 aggregates, 2-core machine): at batch 100,
 * 1 pass drains ~6-7k events/s and 4 passes ~10-15k (the next claim and load overlap the
 * publish); at batch 1000, ~19k and ~20-25k, where Node, PostgreSQL and the emulator together
 * saturate the CPU. 8 passes measured no better than 4.
 */
export const DEFAULT_RELAY_CONCURRENCY = 4;

/** A failing aggregate waits 1 s, doubling up to a minute (with jitter), without holding the others back. */
export const DEFAULT_RELAY_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 60_000 };

/** Backoff of the whole loop after a pass failed outright (database trouble). */
const PASS_ERROR_BACKOFF: Backoff = { firstMs: 200, maxMs: 10_000 };

/**
 * The outbox relay loop. Up to `concurrency` passes run at once; their leases keep them on
 * disjoint aggregates, so each aggregate still goes one pass at a time, from its head.
 * - A pass that leased something starts the next pass right away (while it loads and
 *   publishes), and another when it ends, as its aggregates may have more events: passes
 *   follow each other until one finds nothing due.
 * - Wake-ups coalesce: however many commits notify, at most one more pass is wanted.
 * - With nothing in flight the relay sleeps until a notification, the poll interval or the
 *   earliest backed-off event. The last pass before that found nothing due and came after
 *   every failure was recorded (a pass that held something always has a successor), so the
 *   retry time its claim saw is complete; no later query can miss a head that came due in
 *   between.
 * - After a pass fails outright (database down) no pass starts and wake-ups are ignored until
 *   a backoff timer fires, so a persistent error cannot turn notifications into a busy loop;
 *   the passes still in flight finish on their own.
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const leaseTtlMs = opts.leaseTtlMs ?? 60_000;
  if (leaseTtlMs < 2 * opts.publisher.deadlineMs) {
    throw new Error(`leaseTtlMs (${leaseTtlMs}) must be at least twice the publish deadline (${opts.publisher.deadlineMs} ms)`);
  }
  const concurrency = Math.max(1, Math.trunc(opts.concurrency ?? DEFAULT_RELAY_CONCURRENCY));
  const passDeps = {
    store: opts.store,
    publisher: opts.publisher,
    topics: opts.topics,
    source: opts.source,
    batchSize: opts.batchSize,
    concurrency,
    leaseTtlMs,
    backoff: opts.backoff ?? DEFAULT_RELAY_BACKOFF,
    log: opts.log,
    onPublished: opts.onPublished,
    events: opts.events,
  };

  let running = false;
  let wanted = false;
  const inFlight = new Set<Promise<void>>();
  /** The earliest retry time the passes since the relay last slept reported (performance.now()). */
  let nextDueAt = Number.POSITIVE_INFINITY;
  let sleep: NodeJS.Timeout | undefined;
  let pausedAfterError = false;
  let passErrors = 0;

  const wake = () => {
    wanted = true;
    pump();
  };

  /** Starts wanted passes while slots are free. */
  function pump(): void {
    while (running && !pausedAfterError && wanted && inFlight.size < concurrency) {
      wanted = false;
      clearTimeout(sleep);
      const pass: Promise<void> = runPass().finally(() => {
        inFlight.delete(pass);
        pump();
        if (inFlight.size === 0 && running && !pausedAfterError) goIdle();
      });
      inFlight.add(pass);
    }
  }

  async function runPass(): Promise<void> {
    try {
      const result = await runRelayPass(passDeps, wake);
      nextDueAt = Math.min(nextDueAt, result.nextDueAt ?? Number.POSITIVE_INFINITY);
      passErrors = 0;
      if (result.claimed > 0) wanted = true; // its aggregates are free again and may have more
    } catch (err) {
      passErrors++;
      const retryInMs = backoffDelay(passErrors, PASS_ERROR_BACKOFF);
      opts.log.warn({ err, retryInMs }, "relay pass failed");
      if (running && !pausedAfterError) {
        pausedAfterError = true;
        clearTimeout(sleep);
        sleep = setTimeout(() => {
          pausedAfterError = false;
          wake();
        }, retryInMs);
      }
    }
  }

  /** Nothing in flight and nothing wanted: sleep until the poll interval or the earliest retry. */
  function goIdle(): void {
    const dueInMs = Math.max(0, nextDueAt - performance.now());
    nextDueAt = Number.POSITIVE_INFINITY;
    clearTimeout(sleep);
    sleep = setTimeout(wake, Math.min(opts.pollIntervalMs, dueInMs));
  }

  return {
    start() {
      if (running) return;
      running = true;
      opts.log.info({ batchSize: opts.batchSize, concurrency, pollIntervalMs: opts.pollIntervalMs, topics: opts.topics }, "outbox relay started");
      wake();
    },
    wake,
    async stop() {
      running = false;
      clearTimeout(sleep);
      // A pass that settles may start no other (running is false); wait until none is left.
      while (inFlight.size > 0) await Promise.all(inFlight);
      opts.log.info({}, "outbox relay stopped");
    },
  };
}

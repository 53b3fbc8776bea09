import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from "./relay-backoff.js";
import { type PassLogger, runRelayPass } from "./relay-pass.js";
import type { EventPublisher, OutboxRelayStore, PendingEvent } from "./relay-ports.js";

export interface RelayLogger extends PassLogger {
  info(obj: object, msg: string): void;
}

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
   */
  readonly batchSize: number;
  /** NOTIFICATIONS_INTERVAL: the poll fallback when no notification arrives. */
  readonly pollIntervalMs: number;
  /** NOTIFICATIONS_RETENTION: published events older than this are deleted. */
  readonly retentionMs: number;
  /** How often retention runs (default 1 min). */
  readonly cleanupIntervalMs?: number;
  /** Lease of a claimed aggregate (default 60 s); must exceed twice the publish deadline. */
  readonly leaseTtlMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly log: RelayLogger;
  /** See RelayPassDeps.onPublished; must not throw. */
  readonly onPublished?: (event: PendingEvent) => void;
}

export interface OutboxRelay {
  /** Looks for work now, then on every wake and poll. */
  start(): void;
  /** A commit happened (NOTIFY) or the session reconnected: run a pass as soon as possible. */
  wake(): void;
  /** Stops after the pass in progress has published and settled its batch. */
  stop(): Promise<void>;
}

const CLEANUP_BATCH = 1_000;
const CLEANUP_BATCHES_PER_TICK = 20;
/** Backoff of the whole loop after a pass failed outright (database trouble). */
const PASS_ERROR_BACKOFF: BackoffPolicy = { firstMs: 200, maxMs: 10_000 };

/**
 * The outbox relay loop. Wake-ups coalesce: however many commits notify during a pass, one
 * more pass follows it. Passes follow each other at once until one finds nothing due; then
 * the relay sleeps until a notification, the poll interval or the earliest backed-off event.
 * After a pass fails outright (database down) wake-ups are ignored until a backoff timer
 * fires, so a persistent error cannot turn notifications into a busy loop.
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const leaseTtlMs = opts.leaseTtlMs ?? 60_000;
  if (leaseTtlMs < 2 * opts.publisher.deadlineMs) {
    throw new Error(`leaseTtlMs (${leaseTtlMs}) must be at least twice the publish deadline (${opts.publisher.deadlineMs} ms)`);
  }
  const pass = () =>
    runRelayPass({
      store: opts.store,
      publisher: opts.publisher,
      topics: opts.topics,
      source: opts.source,
      batchSize: opts.batchSize,
      leaseTtlMs,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      log: opts.log,
      onPublished: opts.onPublished,
    });

  let running = false;
  let wanted = false;
  let loop: Promise<void> | undefined;
  let sleep: NodeJS.Timeout | undefined;
  let pausedAfterError = false;
  let passErrors = 0;
  let cleanupTimer: NodeJS.Timeout | undefined;
  let cleanup: Promise<void> | undefined;

  const wake = () => {
    wanted = true;
    if (!running || loop || pausedAfterError) return;
    clearTimeout(sleep);
    loop = drain().finally(() => (loop = undefined));
  };

  async function drain(): Promise<void> {
    for (;;) {
      while (wanted && running) {
        wanted = false;
        try {
          const result = await pass();
          passErrors = 0;
          if (result.claimed > 0) wanted = true; // drain until a pass finds nothing due
        } catch (err) {
          passErrors++;
          const retryInMs = retryDelayMs(passErrors, PASS_ERROR_BACKOFF);
          opts.log.warn({ err, retryInMs }, "relay pass failed");
          if (running) {
            pausedAfterError = true;
            sleep = setTimeout(() => {
              pausedAfterError = false;
              wake();
            }, retryInMs);
          }
          return;
        }
      }
      if (!running) return;
      const retryInMs = await opts.store.nextRetryInMs().catch(() => undefined);
      if (wanted) continue; // a wake-up arrived while we asked: do not sleep through it
      if (!running) return;
      sleep = setTimeout(wake, Math.min(opts.pollIntervalMs, retryInMs ?? Number.POSITIVE_INFINITY));
      return;
    }
  }

  const runCleanup = async () => {
    try {
      let deleted = 0;
      for (let i = 0; i < CLEANUP_BATCHES_PER_TICK && running; i++) {
        const n = await opts.store.deletePublished(opts.retentionMs, CLEANUP_BATCH);
        deleted += n;
        if (n < CLEANUP_BATCH) break;
      }
      if (deleted > 0) opts.log.info({ deleted }, "deleted published outbox events past retention");
    } catch (err) {
      opts.log.warn({ err }, "outbox retention failed");
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      cleanupTimer = setInterval(() => {
        cleanup ??= runCleanup().finally(() => (cleanup = undefined));
      }, opts.cleanupIntervalMs ?? 60_000);
      opts.log.info({ batchSize: opts.batchSize, pollIntervalMs: opts.pollIntervalMs, topics: opts.topics }, "outbox relay started");
      wake();
    },
    wake,
    async stop() {
      running = false;
      clearTimeout(sleep);
      clearInterval(cleanupTimer);
      await Promise.all([loop, cleanup]);
      opts.log.info({}, "outbox relay stopped");
    },
  };
}

import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Backoff } from "../../../../pkg/backoff/backoff.js";
import { silentLog } from "../../../testkit/logs.js";
import type { EventPublisher, OutboxRelayStore, PendingEvent } from "../ports.js";
import { openRelaySession } from "../postgres-session.js";
import { createOutboxRelayStore } from "../postgres-store.js";
import { createPublisher } from "../pubsub-publisher.js";
import { createOutboxRelay, type OutboxRelayOptions } from "../relay.js";

export interface TestRelayOptions {
  readonly dsn: string;
  readonly emulatorHost: string;
  readonly projectId: string;
  readonly topics: Readonly<Record<string, string>>;
  readonly batchSize?: number;
  /** Passes in flight at once (the relay's default when absent). */
  readonly concurrency?: number;
  /** Default one hour: a test that sees an event quickly proves the NOTIFY wake-up. */
  readonly pollIntervalMs?: number;
  readonly backoff?: Backoff;
  readonly createTopics?: boolean;
  readonly onPublished?: (event: PendingEvent) => void;
  readonly events?: OutboxRelayOptions["events"];
  /** Wraps the relay's store and publisher, so a test can watch what its passes do. */
  readonly observe?: {
    readonly store?: (store: OutboxRelayStore) => OutboxRelayStore;
    readonly publisher?: (publisher: EventPublisher) => EventPublisher;
  };
}

/**
 * A relay assembled from its parts (as cmd/wiring/outbox-relay.ts does) with every knob a test needs:
 * several topics, no topic creation, fast backoff. Resolves once it is connected and running.
 */
export async function startTestRelay(opts: TestRelayOptions): Promise<{ stop(): Promise<void> }> {
  const publisher = createPublisher({
    projectId: opts.projectId,
    emulatorHost: opts.emulatorHost,
    createTopics: opts.createTopics ?? false,
    deadlineMs: 3_000,
  });
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  let started = false;
  const session = openRelaySession({
    dsn: opts.dsn,
    applicationName: "test-relay",
    onNotify: () => relay.wake(),
    onConnected: () => {
      if (!started) relay.start();
      else relay.wake();
      started = true;
      connected();
    },
    log: silentLog,
  });
  const store = createOutboxRelayStore(session.db);
  const relay = createOutboxRelay({
    store: opts.observe?.store?.(store) ?? store,
    publisher: opts.observe?.publisher?.(publisher) ?? publisher,
    topics: opts.topics,
    source: "/spacet",
    batchSize: opts.batchSize ?? 100,
    concurrency: opts.concurrency,
    pollIntervalMs: opts.pollIntervalMs ?? 3_600_000,
    backoff: opts.backoff ?? { firstMs: 100, maxMs: 1_000 },
    log: silentLog,
    onPublished: opts.onPublished,
    events: opts.events,
  });
  await ready;
  let stopped: Promise<void> | undefined;
  return {
    // Idempotent, so a test can stop its relay midway and still register the stop as a cleanup
    // (a failed assertion then does not leave the relay running until the file times out).
    stop: () =>
      (stopped ??= (async () => {
        await relay.stop();
        await publisher.close();
        await session.close();
      })()),
  };
}

/**
 * Inserts events the way the outbox writers do (one statement per call, so seq follows the
 * call order) and returns their ids. The payload is the test's own: the relay never reads it.
 */
export async function insertEvents(
  db: pg.Pool | pg.Client,
  events: ReadonlyArray<{ aggregateId: string; aggregateType?: string; n: number }>,
): Promise<string[]> {
  const ids = events.map(() => randomUUID());
  await db.query(
    `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      ids,
      events.map((e) => e.aggregateType ?? "launch"),
      events.map((e) => e.aggregateId),
      events.map(() => "test.Event"),
      events.map((e) => JSON.stringify({ aggregate: e.aggregateId, n: e.n })),
    ],
  );
  return ids;
}

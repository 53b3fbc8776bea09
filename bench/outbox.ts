/**
 * Outbox relay bench (npm run bench, outbox part; or `node --import tsx bench/outbox.ts`), on a
 * fresh database and a private Pub/Sub emulator:
 * - latency: commit → Pub/Sub acknowledged the publish, one event at a time with the relay
 *   idle-waiting on LISTEN between events (target p99 <= 100 ms);
 * - throughput: a backlog drained by one relay (claim, publish, mark), as a ratio to raw
 *   batched publishing of the same messages (same attributes, same ordering keys, all at once)
 *   through the same publisher to the same emulator in the same run (target >= 0.5).
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { pino } from "pino";
import { toPubsubMessage } from "../internal/infra/outbox/relay-message.js";
import type { PendingEvent } from "../internal/infra/outbox/relay-ports.js";
import { type RunningRelay, startOutboxRelay } from "../internal/infra/outbox/relay-runtime.js";
import { createPubsubClient } from "../internal/infra/pubsub/client.js";
import { createPublisher } from "../internal/infra/pubsub/publisher.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startPubsubEmulator } from "../internal/testkit/pubsub-emulator.js";
import { fmt, percentile } from "./stats.js";

const LATENCY_SAMPLES = 300;
const LATENCY_WARMUP = 30;
const BACKLOG = 10_000;
const AGGREGATES = 20;
const BATCH_SIZES = [100, 1_000]; // the NOTIFICATIONS_BATCH_SIZE_MAX default, and a large one
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.5;
const PAYLOAD = { bookingId: randomUUID(), launchId: randomUUID(), launchpadId: "5e9e4501f509094ba4566f84", destination: "DESTINATION_MARS", launchDate: "2049-07-01", createTime: "2049-03-01T12:00:00Z", bookedSeats: 7, capacity: 50 };

export interface OutboxBenchResult {
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly rawPerSecond: number;
  readonly relayPerSecond: Readonly<Record<number, number>>;
}

export async function runOutboxBench(): Promise<OutboxBenchResult> {
  const [tdb, emu] = await Promise.all([createTestDatabase(), startPubsubEmulator()]);
  const pool = new pg.Pool({ connectionString: tdb.dsn, max: 4 });
  pool.on("connect", (c) => c.on("error", () => undefined)); // the drop at the end terminates them
  const admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
  const log = pino({ level: "warn" });
  let published: ((e: PendingEvent) => void) | undefined;
  const startRelay = (topic: string, batchSizeMax: number): RunningRelay =>
    startOutboxRelay({
      dsn: tdb.dsn,
      appName: "spacet",
      pubsub: { emulatorHost: emu.host, projectId: emu.projectId, launchesTopic: topic },
      notifications: { intervalMs: 30_000, batchSizeMax, retentionMs: 3_600_000 },
      log,
      onPublished: (e) => published?.(e),
    });
  const insert = (rows: ReadonlyArray<{ aggregateId: string }>) =>
    pool.query(
      `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
       select gen_random_uuid(), 'launch', a, 'spacet.events.v1.BookingCreated', $2::jsonb from unnest($1::text[]) as a`,
      [rows.map((r) => r.aggregateId), JSON.stringify(PAYLOAD)],
    );
  const unpublished = async () => (await pool.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null")).rows[0].n;

  try {
    console.log(`\nOutbox relay → Pub/Sub emulator (${emu.host})`);

    // Latency: one event per commit, the next only after the previous was published.
    const topic = `bench-latency-${randomUUID().slice(0, 8)}`;
    await admin.createTopic(topic);
    const relay = startRelay(topic, 100);
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
      const done = new Promise<number>((resolve) => (published = () => resolve(performance.now())));
      await insert([{ aggregateId: `launch-${i % AGGREGATES}` }]);
      const committed = performance.now();
      const at = await done;
      if (i >= LATENCY_WARMUP) samples.push(at - committed);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 15)); // let the relay go idle on LISTEN
    }
    published = undefined;
    await relay.stop();
    samples.sort((a, b) => a - b);
    const [p50, p99] = [percentile(samples, 50), percentile(samples, 99)];
    console.log(
      `  commit → publish (relay idle, ${LATENCY_SAMPLES} events)   p50 ${fmt(p50, 2)} ms   p99 ${fmt(p99, 2)} ms   max ${fmt(samples.at(-1) ?? Number.NaN, 2)} ms   ${p99 <= TARGET_P99_MS ? "within" : "OVER"} target p99 <= ${TARGET_P99_MS} ms`,
    );

    // Throughput baseline: the same messages straight through the publisher, all at once.
    const messages = Array.from({ length: BACKLOG }, (_, i) =>
      toPubsubMessage(
        { id: randomUUID(), aggregateType: "launch", aggregateId: `launch-${i % AGGREGATES}`, eventType: "spacet.events.v1.BookingCreated", payloadJson: JSON.stringify(PAYLOAD), createdAt: new Date(), attempts: 0, due: true },
        "/spacet",
      ),
    );
    const rawRound = async () => {
      const rawTopic = `bench-raw-${randomUUID().slice(0, 8)}`;
      await admin.createTopic(rawTopic);
      const publisher = createPublisher({ projectId: emu.projectId, emulatorHost: emu.host });
      const started = performance.now();
      await Promise.all(messages.map((m) => publisher.publish(rawTopic, m)));
      const seconds = (performance.now() - started) / 1000;
      await publisher.close();
      return BACKLOG / seconds;
    };
    // Relay: the backlog is committed first, then one relay drains it (published and marked).
    const relayRound = async (batchSize: number) => {
      const relayTopic = `bench-relay-${randomUUID().slice(0, 8)}`;
      await admin.createTopic(relayTopic);
      await pool.query("truncate outbox, outbox_leases");
      await insert(Array.from({ length: BACKLOG }, (_, i) => ({ aggregateId: `launch-${i % AGGREGATES}` })));
      let acked = 0;
      const allAcked = new Promise<void>((resolve) => (published = () => void (++acked === BACKLOG && resolve())));
      const started = performance.now();
      const r = startRelay(relayTopic, batchSize);
      await allAcked; // then only the last mark is missing: poll for it, not during the drain
      while ((await unpublished()) > 0) await new Promise((res) => setTimeout(res, 1));
      const seconds = (performance.now() - started) / 1000;
      published = undefined;
      await r.stop();
      return BACKLOG / seconds;
    };
    await rawRound(); // warm-up: JIT and the emulator's first topics
    await relayRound(100);
    const raw = Math.max(await rawRound(), await rawRound());
    const relayPerSecond: Record<number, number> = {};
    for (const size of BATCH_SIZES) relayPerSecond[size] = Math.max(await relayRound(size), await relayRound(size));
    console.log(`  raw batched publish (${BACKLOG} msgs, ${AGGREGATES} ordering keys)   ${fmt(raw, 0)} msg/s`);
    for (const size of BATCH_SIZES) {
      const ratio = relayPerSecond[size] / raw;
      console.log(
        `  relay, NOTIFICATIONS_BATCH_SIZE_MAX=${String(size).padEnd(5)}               ${fmt(relayPerSecond[size], 0)} msg/s   ratio ${fmt(ratio, 2)}   ${ratio >= TARGET_RATIO ? "within" : "UNDER"} target >= ${TARGET_RATIO}`,
      );
    }
    return { latencyP50Ms: p50, latencyP99Ms: p99, rawPerSecond: raw, relayPerSecond };
  } finally {
    await admin.close();
    await pool.end();
    await Promise.all([tdb.drop(), emu.stop()]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runOutboxBench();
  process.exit(0);
}

/**
 * Outbox relay bench (npm run bench, outbox part; or `node --import tsx bench/outbox.ts`), on a
 * fresh database and a private Pub/Sub emulator:
 * - latency: commit → Pub/Sub acknowledged the publish, one event at a time with the relay
 *   idle-waiting on LISTEN between events (target p99 <= 100 ms);
 * - throughput: a backlog drained by one relay (claim, publish, mark), as a ratio to raw
 *   batched publishing of the same messages (same attributes, same ordering keys, all at once)
 *   through the same publisher to the same emulator in the same run (target >= 0.5 with the
 *   default config). Each figure is the best of three rounds, raw and relay alike: a round
 *   lasts half a second, and one GC pause or emulator hiccup would otherwise decide it.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { pino } from "pino";
import { toPubsubMessage } from "../internal/infra/outbox/relay-message.js";
import type { PendingEvent } from "../internal/infra/outbox/ports.js";
import { type RunningRelay, startOutboxRelay } from "../cmd/wiring/outbox-relay.js";
import { createPubsubClient } from "../internal/infra/outbox/pubsub-client.js";
import { createPublisher } from "../internal/infra/outbox/pubsub-publisher.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startPubsubEmulator } from "../internal/testkit/pubsub-emulator.js";
import { loadConfig } from "../config/config.js";
import { DEFAULT_RELAY_CONCURRENCY } from "../internal/infra/outbox/relay.js";
import { fmt, percentile } from "./stats.js";

const LATENCY_SAMPLES = 300;
const LATENCY_WARMUP = 30;
const BACKLOG = 10_000;
const AGGREGATES = 20;
const ROUNDS = 3;
/** NOTIFICATIONS_BATCH_SIZE_MAX as config/config.yaml sets it. */
const DEFAULT_BATCH = loadConfig({ path: fileURLToPath(new URL("../config/config.yaml", import.meta.url)), env: {} }).notifications.batchSizeMax;
/** The relay as configured by default, and for reference one pass at a time (the relay before pipelining) at that batch and at 100. */
const RELAYS: ReadonlyArray<{ readonly batch: number; readonly passes: number }> = [
  { batch: DEFAULT_BATCH, passes: DEFAULT_RELAY_CONCURRENCY },
  { batch: DEFAULT_BATCH, passes: 1 },
  { batch: 100, passes: 1 },
];
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.5;
const PAYLOAD = {
  bookingId: randomUUID(),
  launchId: randomUUID(),
  launchpadId: "5e9e4501f509094ba4566f84",
  destination: "DESTINATION_MARS",
  launchDate: "2049-07-01",
  createTime: "2049-03-01T12:00:00Z",
  bookedSeats: 7,
  capacity: 50,
};

export interface OutboxBenchResult {
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly rawPerSecond: number;
  /** Keyed `<batch>x<passes>`, e.g. `100x4`. */
  readonly relayPerSecond: Readonly<Record<string, number>>;
}

export async function runOutboxBench(): Promise<OutboxBenchResult> {
  const [tdb, emu] = await Promise.all([createTestDatabase(), startPubsubEmulator()]);
  const pool = new pg.Pool({ connectionString: tdb.dsn, max: 4 });
  pool.on("connect", (c) => c.on("error", () => undefined)); // the drop at the end terminates them
  const admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
  const log = pino({ level: "warn" });
  let published: ((e: PendingEvent) => void) | undefined;
  const startRelay = (topic: string, batchSizeMax: number, concurrency: number): RunningRelay =>
    startOutboxRelay({
      dsn: tdb.dsn,
      appName: "spacet",
      pubsub: { emulatorHost: emu.host, projectId: emu.projectId, launchesTopic: topic, flightsTopic: `${topic}-flights` },
      notifications: { intervalMs: 30_000, batchSizeMax, retentionMs: 3_600_000 },
      log,
      concurrency,
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
    const relay = startRelay(topic, DEFAULT_BATCH, DEFAULT_RELAY_CONCURRENCY);
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
        {
          id: randomUUID(),
          aggregateType: "launch",
          aggregateId: `launch-${i % AGGREGATES}`,
          eventType: "spacet.events.v1.BookingCreated",
          payloadJson: JSON.stringify(PAYLOAD),
          createdAt: new Date(),
          attempts: 0,
          due: true,
        },
        "/spacet",
      ),
    );
    const rawRound = async () => {
      const rawTopic = `bench-raw-${randomUUID().slice(0, 8)}`;
      await admin.createTopic(rawTopic);
      const publisher = createPublisher({ projectId: emu.projectId, emulatorHost: emu.host });
      await publisher.ensureTopics([rawTopic]); // connects the channel: only the publishing is timed
      const started = performance.now();
      await Promise.all(messages.map((m) => publisher.publish(rawTopic, m)));
      const seconds = (performance.now() - started) / 1000;
      await publisher.close();
      return BACKLOG / seconds;
    };
    // Relay: a running relay, idle on LISTEN, woken by the commit of the backlog, drains it
    // (published and marked). As with the raw publisher, connecting is not timed: one event
    // goes through first, so its session, the topic and the gRPC channel are up.
    const relayRound = async ({ batch, passes }: { batch: number; passes: number }) => {
      const relayTopic = `bench-relay-${randomUUID().slice(0, 8)}`;
      await admin.createTopic(relayTopic);
      await pool.query("truncate outbox, outbox_leases");
      const r = startRelay(relayTopic, batch, passes);
      const warm = new Promise<void>((resolve) => (published = () => resolve()));
      await insert([{ aggregateId: "warm-up" }]);
      await warm;
      while ((await unpublished()) > 0) await new Promise((res) => setTimeout(res, 1));
      let acked = 0;
      const allAcked = new Promise<void>((resolve) => (published = () => void (++acked === BACKLOG && resolve())));
      await insert(Array.from({ length: BACKLOG }, (_, i) => ({ aggregateId: `launch-${i % AGGREGATES}` })));
      const started = performance.now(); // the commit: the relay is woken now
      await allAcked; // then only the last mark is missing: poll for it, not during the drain
      while ((await unpublished()) > 0) await new Promise((res) => setTimeout(res, 1));
      const seconds = (performance.now() - started) / 1000;
      published = undefined;
      await r.stop();
      return BACKLOG / seconds;
    };
    const best = async (round: () => Promise<number>) => {
      let max = 0;
      for (let i = 0; i < ROUNDS; i++) max = Math.max(max, await round());
      return max;
    };
    await rawRound(); // warm-up: JIT and the emulator's first topics
    await relayRound(RELAYS[0]);
    const raw = await best(rawRound);
    const relayPerSecond: Record<string, number> = {};
    for (const r of RELAYS) relayPerSecond[`${r.batch}x${r.passes}`] = await best(() => relayRound(r));
    console.log(`  raw batched publish (${BACKLOG} msgs, ${AGGREGATES} ordering keys)        ${fmt(raw, 0)} msg/s`);
    for (const [i, { batch, passes }] of RELAYS.entries()) {
      const perSecond = relayPerSecond[`${batch}x${passes}`];
      const ratio = perSecond / raw;
      const verdict = i === 0 ? `   ${ratio >= TARGET_RATIO ? "within" : "UNDER"} target >= ${TARGET_RATIO}` : "";
      console.log(
        `  relay, ${i === 0 ? "default" : "compare"}: NOTIFICATIONS_BATCH_SIZE_MAX=${String(batch).padEnd(5)} ${passes} pass${passes === 1 ? " " : "es"} at once   ${fmt(perSecond, 0)} msg/s   ratio ${fmt(ratio, 2)}${verdict}`,
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

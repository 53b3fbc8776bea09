import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pg from "pg";
import type { ReceivedEvent } from "../../../examples/echo-consumer/subscribe-events.js";
import { spawnScript } from "../../testkit/processes.js";
import { startPubsubEmulator } from "../../testkit/pubsub-emulator.js";
import { createTestDatabase, type TestDatabase, toleratingDrop } from "../../testkit/postgres.js";
import { createPubsubClient } from "./pubsub-client.js";
import { startOutboxRelay } from "../../../cmd/wiring/outbox-relay.js";
import { collectEvents, type EventCollector, testEmulator, uniqueName } from "../../testkit/pubsub-env.js";
import { startTcpGate } from "./testdata/tcp-gate.js";
import { insertEvents } from "./testdata/test-relay.js";
import { silentLog } from "../../testkit/logs.js";

/** The issue asks for 30 s: longer than gax's retry window of one publish and than the relay's backoff cap. */
const OUTAGE_MS = 30_000;

const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];
async function freshDatabase(): Promise<pg.Pool> {
  const tdb = await createTestDatabase();
  databases.push(tdb);
  const pool = toleratingDrop(new pg.Pool({ connectionString: tdb.dsn, max: 4 }));
  pools.push(pool);
  return pool;
}
const dsnOf = (pool: pg.Pool) => (pool.options as { connectionString: string }).connectionString;

after(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(databases.map((d) => d.drop()));
});

/** Every committed event arrived, and each aggregate's first arrivals follow its commit order. */
async function assertCompleteAndOrdered(pool: pg.Pool, arrivals: readonly ReceivedEvent[]) {
  const { rows } = await pool.query<{ id: string; aggregate_id: string; published: boolean; attempts: number }>(
    "select id, aggregate_id, published_at is not null as published, attempts from outbox order by seq",
  );
  const firstSeen = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const e of arrivals) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    firstSeen.set(e.orderingKey, [...(firstSeen.get(e.orderingKey) ?? []), e.eventId]);
  }
  const committed = new Map<string, string[]>();
  for (const r of rows) committed.set(r.aggregate_id, [...(committed.get(r.aggregate_id) ?? []), r.id]);
  // When one is missing, say whether the relay thinks it published it (then the emulator lost it)
  // or still has it pending, and for which aggregates: the two point at different culprits.
  const missing = rows.filter((r) => !seen.has(r.id));
  const summary = (published: boolean) => {
    const of = missing.filter((r) => r.published === published);
    return `${of.length} (aggregates ${[...new Set(of.map((r) => r.aggregate_id))].join(", ")}; max attempts ${Math.max(0, ...of.map((r) => r.attempts))})`;
  };
  assert.equal(seen.size, rows.length, `every committed event arrived; missing marked published: ${summary(true)}, still pending: ${summary(false)}`);
  for (const [aggregate, ids] of committed) assert.deepEqual(firstSeen.get(aggregate), ids, `commit order of ${aggregate}`);
}

const allArrived = async (pool: pg.Pool, sinks: readonly EventCollector[]) => {
  const ids = new Set(sinks.flatMap((s) => s.events.map((e) => e.eventId)));
  const { rows } = await pool.query<{ id: string }>("select id from outbox");
  return rows.length > 0 && rows.every((r) => ids.has(r.id));
};

describe("outbox relay faults", () => {
  it(`loses nothing and keeps order through a ${OUTAGE_MS / 1000} s emulator outage and restart`, { timeout: 110_000 }, async (t) => {
    const pool = await freshDatabase();
    const emu = await startPubsubEmulator();
    const gate = await startTcpGate(emu.host);
    const admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
    const topic = uniqueName("launches");
    await admin.createTopic(topic);
    const before = await collectEvents(admin, topic);
    const relay = startOutboxRelay({
      dsn: dsnOf(pool),
      appName: "spacet",
      pubsub: { emulatorHost: gate.address, projectId: emu.projectId, launchesTopic: topic, flightsTopic: uniqueName("flights") },
      notifications: { intervalMs: 3_600_000, batchSizeMax: 50, retentionMs: 3_600_000 },
      log: silentLog,
      backoff: { firstMs: 200, maxMs: 2_000 },
      publishDeadlineMs: 3_000,
    });
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await insertEvents(pool, [{ aggregateId: `launch-${written % 10}`, n: written }]);
        written++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let afterRestart: EventCollector | undefined;
    try {
      await before.waitFor(() => before.events.length >= 20, "traffic before the outage");

      // The outage: nothing reaches Pub/Sub any more; what was acknowledged is consumed, then
      // the emulator goes away for OUTAGE_MS while events keep being committed.
      gate.shut();
      // An ack that crossed the gate just before it shut may be settled (marked published) a
      // moment later, by any of the relay's passes in flight. Wait until the set of published
      // events stops growing and the subscriber has all of them: the emulator forgets
      // undelivered messages on restart, which real Pub/Sub never does.
      let settledCount = -1;
      for (let round = 0; round < 50; round++) {
        const { rows: acked } = await pool.query<{ id: string }>("select id from outbox where published_at is not null");
        await before.waitFor(() => acked.every((r) => before.events.some((e) => e.eventId === r.id)), "every acknowledged event");
        if (acked.length === settledCount) break;
        settledCount = acked.length;
        await new Promise((r) => setTimeout(r, 200)); // poll again: a late settle shows up as growth
      }
      await emu.stop();
      const writtenAtStop = written;
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      assert.ok(written > writtenAtStop + 100, `events kept being written during the outage (${written - writtenAtStop})`);
      const { rows: waiting } = await pool.query<{ attempts: number }>("select max(attempts)::int as attempts from outbox where published_at is null");
      assert.ok(waiting[0].attempts >= 2, "the relay kept retrying with backoff");

      // Restart: everything is gone; recreate topic and subscription, then let the relay through.
      await emu.restart();
      await admin.createTopic(topic);
      const restarted = await collectEvents(admin, topic);
      afterRestart = restarted;
      gate.open();
      const reopened = performance.now();
      await restarted.waitFor(() => restarted.events.length > 0, "traffic after the restart", 30_000);
      writing = false;
      await writer;
      const deadline = Date.now() + 40_000;
      while (!(await allArrived(pool, [before, restarted])) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await assertCompleteAndOrdered(pool, [...before.events, ...restarted.events]);
      t.diagnostic(
        `${written} events, ${written - writtenAtStop} written during the outage; all delivered ${Math.round(performance.now() - reopened)} ms after the restart`,
      );
    } finally {
      writing = false;
      await writer;
      await relay.stop();
      await Promise.all([before.close(), afterRestart?.close()]);
      await admin.close();
      await gate.close();
      await emu.stop();
    }
  });

  it("loses nothing when a stand-alone relay is killed with SIGKILL in the middle of a batch", { timeout: 110_000 }, async () => {
    const pool = await freshDatabase();
    const emu = await testEmulator();
    const gate = await startTcpGate(emu.host);
    const admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
    const topic = uniqueName("launches");
    await admin.createTopic(topic);
    const sink = await collectEvents(admin, topic);
    const env = {
      PG_DSN: dsnOf(pool),
      PUBSUB_ENABLED: "true",
      PUBSUB_PROJECT_ID: emu.projectId,
      PUBSUB_LAUNCHES_TOPIC: topic,
      NOTIFICATIONS_BATCH_SIZE_MAX: "1000",
      LOG_LEVEL: "info",
    };
    // The victim talks to Pub/Sub through the gate; once it is connected and idle, the gate
    // stops passing answers. Its next batch then reaches Pub/Sub and is stored, but is never
    // acknowledged, so the batch cannot end before the kill: the classic crash between publish
    // and mark. (The batch is kept well under the HTTP/2 flow-control window the emulator
    // granted at connect time: the window updates are held back too.)
    const victim = spawnScript("cmd/relay.ts", { env: { ...env, PUBSUB_EMULATOR_HOST: gate.address } });
    let successor: ReturnType<typeof spawnScript> | undefined;
    try {
      await Promise.all([victim.waitForLine(/outbox relay started/), victim.waitForLine(/emulator topics ready/)]);
      gate.holdResponses();
      const events = Array.from({ length: 900 }, (_, i) => ({ aggregateId: `launch-${i % 30}`, n: i }));
      await insertEvents(pool, events);
      await sink.waitFor(() => sink.events.length === events.length, "the batch in flight", 30_000);
      victim.kill("SIGKILL");
      assert.equal((await victim.exited).signal, "SIGKILL");
      const { rows } = await pool.query<{ leases: number; marked: number }>(
        "select (select count(*)::int from outbox_leases) as leases, (select count(*)::int from outbox where published_at is not null) as marked",
      );
      assert.ok(rows[0].leases > 0 && rows[0].marked === 0, `killed between claim and settle (leases ${rows[0].leases}, marked ${rows[0].marked})`);
      const receivedBeforeKill = sink.events.length;

      // Its session died with it, so a successor takes its aggregates over at once and sends
      // the whole batch again under the same event ids: duplicates the consumer drops, no loss.
      successor = spawnScript("cmd/relay.ts", { env: { ...env, PUBSUB_EMULATOR_HOST: emu.host } });
      await sink.waitFor(
        () => sink.events.length === events.length && sink.duplicates() >= receivedBeforeKill,
        `every event, and again the ${receivedBeforeKill} seen before the kill`,
        60_000,
      );
      await assertCompleteAndOrdered(pool, sink.events);

      successor.kill("SIGTERM");
      const exit = await successor.exited;
      assert.equal(exit.code, 0, `graceful exit\n${successor.stderr()}`);
      const { rows: left } = await pool.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
      assert.equal(left[0].n, 0, "the successor marked everything before exiting");
    } finally {
      for (const p of [victim, successor]) if (p && p.child.exitCode === null && p.child.signalCode === null) p.kill("SIGKILL");
      await sink.close();
      await admin.close();
      await gate.close();
      await emu.release();
    }
  });
});

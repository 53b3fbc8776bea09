import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PubSub } from "@google-cloud/pubsub";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { createPubsubClient } from "../pubsub/client.js";
import { watchPasses } from "./testdata/pass-watch.js";
import { collectEvents, type TestEmulator, testEmulator, uniqueName } from "./testdata/pubsub-env.js";
import { insertEvents, startTestRelay, toleratingDrop } from "./testdata/test-relay.js";

const AGGREGATES = 20;
const EVENTS_EACH = 50;
const RELAYS = 3;
/** Passes each relay keeps in flight: relays contend with each other and with their own passes. */
const PASSES = 3;

let tdb: TestDatabase;
let emu: TestEmulator;
let admin: PubSub;
let pool: pg.Pool;

before(async () => {
  [tdb, emu] = await Promise.all([createTestDatabase(), testEmulator()]);
  admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
  pool = toleratingDrop(new pg.Pool({ connectionString: tdb.dsn, max: 10 }));
});
after(async () => {
  await pool.end();
  await admin.close();
  await Promise.all([tdb.drop(), emu.release()]);
});

describe("outbox relay ordering", () => {
  it(`keeps commit order per aggregate: ${AGGREGATES} aggregates × ${EVENTS_EACH} events, ${RELAYS} relays × ${PASSES} passes at once`, async () => {
    const topic = uniqueName("launches");
    await admin.createTopic(topic);
    const sink = await collectEvents(admin, topic);
    // Small batches force many passes, so the relays keep contending for the same aggregates.
    const published = Array.from({ length: RELAYS }, () => 0);
    const watches = published.map(() => watchPasses());
    const relays = await Promise.all(
      published.map((_, r) =>
        startTestRelay({
          dsn: tdb.dsn,
          emulatorHost: emu.host,
          projectId: emu.projectId,
          topics: { launch: topic },
          batchSize: 7,
          concurrency: PASSES,
          onPublished: () => published[r]++,
          observe: watches[r],
        }),
      ),
    );
    try {
      // Every aggregate gets its own writer committing one event per transaction while the
      // relays run, as bookings on 20 launches would.
      await Promise.all(
        Array.from({ length: AGGREGATES }, async (_, a) => {
          for (let n = 0; n < EVENTS_EACH; n++) await insertEvents(pool, [{ aggregateId: `launch-${a}`, n }]);
        }),
      );
      const total = AGGREGATES * EVENTS_EACH;
      await sink.waitFor(() => sink.events.length === total, `${total} events`, 60_000);

      const { rows } = await pool.query<{ id: string; aggregate_id: string }>("select id, aggregate_id from outbox order by seq");
      const committed = new Map<string, string[]>();
      for (const r of rows) committed.set(r.aggregate_id, [...(committed.get(r.aggregate_id) ?? []), r.id]);
      const received = sink.byKey();
      assert.equal(received.size, AGGREGATES);
      for (const [aggregate, ids] of committed) {
        assert.deepEqual(received.get(aggregate)?.map((e) => e.eventId), ids, `order of ${aggregate}`);
      }
      assert.equal(published.reduce((a, b) => a + b), total, "the relays published every event exactly once between them");
      assert.ok(published.every((n) => n > 0), `every relay took part: ${published.join(", ")}`);
      assert.deepEqual(watches.flatMap((w) => w.violations), [], "no relay had one aggregate in two of its passes at once");
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await sink.close();
    }
  });
});

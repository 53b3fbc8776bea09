import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { watchPasses } from "./testdata/pass-watch.js";
import { collectEvents, uniqueName } from "../../testkit/pubsub-env.js";
import { useRelayTestEnv } from "./testdata/relay-env.js";
import { insertEvents, startTestRelay } from "./testdata/test-relay.js";

const AGGREGATES = 20;
const EVENTS_EACH = 50;
const RELAYS = 3;
/** Passes each relay keeps in flight: relays contend with each other and with their own passes. */
const PASSES = 3;

const env = useRelayTestEnv();

describe("outbox relay ordering", () => {
  it(`keeps commit order per aggregate: ${AGGREGATES} aggregates × ${EVENTS_EACH} events, ${RELAYS} relays × ${PASSES} passes at once`, async () => {
    const topic = uniqueName("launches");
    await env.admin.createTopic(topic);
    const sink = await collectEvents(env.admin, topic);
    // Small batches force many passes, so the relays keep contending for the same aggregates.
    const published = Array.from({ length: RELAYS }, () => 0);
    const watches = published.map(() => watchPasses());
    const relays = await Promise.all(
      published.map((_, r) =>
        startTestRelay({
          dsn: env.tdb.dsn,
          emulatorHost: env.emu.host,
          projectId: env.emu.projectId,
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
          for (let n = 0; n < EVENTS_EACH; n++) await insertEvents(env.pool, [{ aggregateId: `launch-${a}`, n }]);
        }),
      );
      const total = AGGREGATES * EVENTS_EACH;
      await sink.waitFor(() => sink.events.length === total, `${total} events`, 60_000);

      const { rows } = await env.pool.query<{ id: string; aggregate_id: string }>("select id, aggregate_id from outbox order by seq");
      const committed = new Map<string, string[]>();
      for (const r of rows) committed.set(r.aggregate_id, [...(committed.get(r.aggregate_id) ?? []), r.id]);
      const received = sink.byKey();
      assert.equal(received.size, AGGREGATES);
      for (const [aggregate, ids] of committed) {
        assert.deepEqual(
          received.get(aggregate)?.map((e) => e.eventId),
          ids,
          `order of ${aggregate}`,
        );
      }
      assert.equal(
        published.reduce((a, b) => a + b),
        total,
        "the relays published every event exactly once between them",
      );
      assert.ok(
        published.every((n) => n > 0),
        `every relay took part: ${published.join(", ")}`,
      );
      assert.deepEqual(
        watches.flatMap((w) => w.violations),
        [],
        "no relay had one aggregate in two of its passes at once",
      );
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await sink.close();
    }
  });
});

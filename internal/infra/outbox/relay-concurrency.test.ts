import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { watchPasses } from "./testdata/pass-watch.js";
import { collectEvents, uniqueName } from "../../testkit/pubsub-env.js";
import { useRelayTestEnv } from "./testdata/relay-env.js";
import { insertEvents, startTestRelay } from "./testdata/test-relay.js";

const AGGREGATES = 30;
const BACKLOG_EACH = 10;
const WRITTEN_EACH = 10;
const CONCURRENCY = 4;
/** Small batches: many short passes, so the passes keep overlapping on the same aggregates' turns. */
const BATCH = 6;

const env = useRelayTestEnv();

describe("outbox relay passes in flight at once", () => {
  it(`one relay, ${CONCURRENCY} passes at once: never two on one aggregate, each aggregate in commit order, every event once`, async (t) => {
    const topic = uniqueName("launches");
    await env.admin.createTopic(topic);
    const sink = await collectEvents(env.admin, topic);
    const watch = watchPasses();
    const event = (a: number, n: number) => ({ aggregateId: `launch-${a}`, n });
    for (let n = 0; n < BACKLOG_EACH; n++)
      await insertEvents(
        env.pool,
        Array.from({ length: AGGREGATES }, (_, a) => event(a, n)),
      );

    let published = 0;
    const running = await startTestRelay({
      dsn: env.tdb.dsn,
      emulatorHost: env.emu.host,
      projectId: env.emu.projectId,
      topics: { launch: topic },
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      onPublished: () => published++,
      observe: watch,
    });
    let stopping: Promise<void> | undefined;
    const stopRelay = () => (stopping ??= running.stop());
    // The lease table as the database sees it, sampled while the relay works: one session
    // (owner_pid) holding leases under several pass tokens at once.
    const owners = new Set<number>();
    const tableTokens = new Set<string>();
    let maxTokensAtOnce = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await env.pool.query<{ owner_pid: number; token: string }>("select owner_pid, token::text from outbox_leases");
        for (const r of rows) {
          owners.add(r.owner_pid);
          tableTokens.add(r.token);
        }
        maxTokensAtOnce = Math.max(maxTokensAtOnce, new Set(rows.map((r) => r.token)).size);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      // Writers keep committing while the passes run, one event per transaction per aggregate.
      await Promise.all(
        Array.from({ length: AGGREGATES }, async (_, a) => {
          for (let n = BACKLOG_EACH; n < BACKLOG_EACH + WRITTEN_EACH; n++) await insertEvents(env.pool, [event(a, n)]);
        }),
      );
      const total = AGGREGATES * (BACKLOG_EACH + WRITTEN_EACH);
      await sink.waitFor(() => sink.events.length === total, `${total} events`, 60_000);
      await stopRelay(); // waits for the passes in flight to settle
      sampling = false;
      await sampler;

      assert.deepEqual(watch.violations, [], "no aggregate in two passes at once");
      assert.ok(watch.maxPassesHolding() >= 2, `passes overlapped (at most ${watch.maxPassesHolding()} at once)`);
      assert.ok(watch.maxPassesHolding() <= CONCURRENCY, `at most ${CONCURRENCY} passes at once, saw ${watch.maxPassesHolding()}`);
      assert.equal(owners.size, 1, "every lease taken through the relay's one session");
      assert.ok(maxTokensAtOnce >= 2, `leases of several passes at once in the table (at most ${maxTokensAtOnce})`);
      assert.ok(
        [...tableTokens].every((t) => watch.tokens.has(t)),
        "every lease carries the token of the pass that claimed it",
      );
      const { rows: left } = await env.pool.query<{ n: number }>("select count(*)::int as n from outbox_leases");
      assert.equal(left[0].n, 0, "each pass released its own leases");

      const { rows } = await env.pool.query<{ id: string; aggregate_id: string }>("select id, aggregate_id from outbox order by seq");
      const committed = new Map<string, string[]>();
      for (const r of rows) committed.set(r.aggregate_id, [...(committed.get(r.aggregate_id) ?? []), r.id]);
      const received = sink.byKey();
      assert.equal(received.size, AGGREGATES);
      for (const [aggregate, ids] of committed)
        assert.deepEqual(
          received.get(aggregate)?.map((e) => e.eventId),
          ids,
          `order of ${aggregate}`,
        );
      assert.equal(published, total, "every event published exactly once");
      assert.equal(sink.duplicates(), 0);
      t.diagnostic(`${watch.tokens.size} passes, up to ${watch.maxPassesHolding()} at once; up to ${maxTokensAtOnce} pass tokens at once in the lease table`);
    } finally {
      sampling = false;
      await sampler;
      await stopRelay();
      await sink.close();
    }
  });
});

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import pg from "pg";
import type { OutboxRelayStore, PassLease } from "./ports.js";
import { createTestDatabase, type TestDatabase, toleratingDrop } from "../../testkit/postgres.js";
import { createOutboxRelayStore } from "./postgres-store.js";
import { openRelaySession, type RelaySession } from "./postgres-session.js";
import { quietLog } from "../../testkit/logs.js";

let tdb: TestDatabase;
let pool: pg.Pool;
const sessions: RelaySession[] = [];

/** A relay's store on its own session; resolves once the session is connected. */
async function openStore(): Promise<{ store: OutboxRelayStore; session: RelaySession }> {
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const session = openRelaySession({ dsn: tdb.dsn, applicationName: "repo-test", onNotify: () => undefined, onConnected: () => connected(), log: quietLog });
  sessions.push(session);
  await ready;
  return { store: createOutboxRelayStore(session.db), session };
}

/** Inserts `n` events of `aggregate` one per statement (seq = commit order) and returns their ids. */
async function addEvents(aggregate: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    await pool.query("insert into outbox (id, aggregate_type, aggregate_id, event_type, payload) values ($1, 'launch', $2, 'test.Event', $3)", [
      id,
      aggregate,
      JSON.stringify({ i }),
    ]);
    ids.push(id);
  }
  return ids;
}
const ids = (lease: PassLease) => lease.aggregates.map((c) => c.aggregateId);
/** One pass's claim, alone in its relay unless `passes` says otherwise. */
const claim = (store: OutboxRelayStore, limit: number, leaseTtlMs = 60_000, passes = 1) => store.claim({ limit, leaseTtlMs, passes });
const leases = async () =>
  (await pool.query<{ aggregate_id: string; token: string }>("select aggregate_id, token::text from outbox_leases order by aggregate_id")).rows;
const row = async (id: string) =>
  (
    await pool.query<{ attempts: number; last_error: string | null; published: boolean; delay_s: number }>(
      "select attempts, last_error, published_at is not null as published, extract(epoch from next_attempt_at - now())::float8 as delay_s from outbox where id = $1",
      [id],
    )
  ).rows[0];

before(async () => {
  tdb = await createTestDatabase();
  pool = toleratingDrop(new pg.Pool({ connectionString: tdb.dsn, max: 3 }));
});
after(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await pool.end();
  await tdb.drop();
});
beforeEach(() => pool.query("truncate outbox, outbox_leases"));

describe("outbox relay repository", () => {
  it("leases each aggregate to one pass only, oldest due first, even among the passes of one session", async () => {
    const [a, b] = [await openStore(), await openStore()];
    await addEvents("agg-1", 2);
    await addEvents("agg-2", 2);
    await addEvents("agg-3", 2);
    await addEvents("agg-4", 2);
    const first = await claim(a.store, 2);
    assert.deepEqual(ids(first), ["agg-1", "agg-2"]);
    const second = await claim(a.store, 1);
    assert.deepEqual(ids(second), ["agg-3"], "a sibling pass of the same session skips the leased aggregates");
    assert.deepEqual(ids(await claim(b.store, 10)), ["agg-4"]);
    assert.deepEqual(ids(await claim(a.store, 10)), [], "a live lease is an obstacle to every other pass");
    assert.notEqual(first.token, second.token);
    assert.deepEqual(
      (await leases()).filter((l) => l.token === first.token).map((l) => l.aggregate_id),
      ["agg-1", "agg-2"],
    );
  });

  it("releases at settle only the leases of the settling pass", async () => {
    const { store } = await openStore();
    const one = await addEvents("agg-1", 1);
    await addEvents("agg-2", 1);
    const first = await claim(store, 1);
    const second = await claim(store, 1);
    assert.deepEqual([ids(first), ids(second)], [["agg-1"], ["agg-2"]]);
    await store.settle(first, one, []);
    assert.deepEqual(await leases(), [{ aggregate_id: "agg-2", token: second.token }], "the sibling pass keeps its lease");
    assert.deepEqual(ids(await claim(store, 10)), [], "agg-1 is published, agg-2 still leased");
  });

  it("spreads the due aggregates over the passes a relay runs at once", async () => {
    const { store } = await openStore();
    for (let i = 0; i < 10; i++) await addEvents(`agg-${i}`, 1);
    const sizes = [];
    for (let pass = 0; pass < 4; pass++) sizes.push((await claim(store, 100, 60_000, 4)).aggregates.length);
    assert.deepEqual(sizes, [3, 3, 3, 1], "⌈10 / 4⌉ each, until none is left");
    assert.equal((await claim(store, 2, 60_000, 1)).aggregates.length, 0);
  });

  it("serialises racing claims: every aggregate goes to exactly one of them", async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore()));
    for (let i = 0; i < 40; i++) await addEvents(`agg-${i}`, 1);
    const claims = await Promise.all(stores.map(async (s) => ids(await claim(s.store, 40))));
    const all = claims.flat();
    assert.equal(new Set(all).size, all.length, "no aggregate leased twice");
    assert.equal(all.length, 40);
  });

  it("takes over at once the leases of a relay whose session ended", async () => {
    const [a, b] = [await openStore(), await openStore()];
    await addEvents("agg-1", 1);
    assert.deepEqual(ids(await claim(a.store, 10)), ["agg-1"]);
    assert.deepEqual(ids(await claim(b.store, 10)), []);
    await a.session.close();
    assert.deepEqual(ids(await claim(b.store, 10)), ["agg-1"]);
  });

  it("takes over an expired lease of a live session", async () => {
    const [a, b] = [await openStore(), await openStore()];
    await addEvents("agg-1", 1);
    assert.deepEqual(ids(await claim(a.store, 10, 0)), ["agg-1"]);
    assert.deepEqual(ids(await claim(b.store, 10)), ["agg-1"]);
  });

  it("loads each aggregate's share of its oldest pending events, in seq order", async () => {
    const { store } = await openStore();
    const one = await addEvents("agg-1", 3);
    const two = await addEvents("agg-2", 3);
    await pool.query("update outbox set published_at = now() where id = $1", [one[0]]);
    const lease = await claim(store, 10);
    assert.deepEqual(ids(lease), ["agg-1", "agg-2"]);
    const loaded = await store.loadPending(lease.aggregates, 4);
    assert.deepEqual(
      loaded.map((e) => e.id),
      [one[1], one[2], two[0], two[1]],
    );
    assert.deepEqual(loaded[0], {
      ...loaded[0],
      aggregateType: "launch",
      aggregateId: "agg-1",
      eventType: "test.Event",
      payloadJson: '{"i": 1}',
      attempts: 0,
      due: true,
    });
  });

  it("settles in one go: marks, records the failure on the head, delays its aggregate and releases the leases", async () => {
    const [a, b] = [await openStore(), await openStore()];
    const one = await addEvents("agg-1", 2);
    const two = await addEvents("agg-2", 2);
    const lease = await claim(a.store, 10);
    assert.deepEqual(ids(lease), ["agg-1", "agg-2"]);
    await a.store.settle(lease, [one[0]], [{ aggregateId: "agg-2", eventId: two[0], error: "code 14: unavailable", retryInMs: 60_000 }]);

    assert.equal((await row(one[0])).published, true);
    const head = await row(two[0]);
    assert.deepEqual([head.attempts, head.last_error, head.published], [1, "code 14: unavailable", false]);
    assert.ok(head.delay_s > 55 && head.delay_s <= 60, `head delayed ${head.delay_s} s`);
    const behind = await row(two[1]);
    assert.deepEqual([behind.attempts, behind.last_error], [0, null]);
    assert.ok(behind.delay_s > 55, "the events behind the head wait with it");

    const later = await addEvents("agg-2", 1);
    assert.ok((await row(later[0])).delay_s <= 0, "a new event is due at once…");
    const next = await claim(b.store, 10);
    assert.deepEqual(ids(next), ["agg-1"], "…but its aggregate waits for its head; the leases were released");
    const retryIn = next.nextDueInMs;
    assert.ok(retryIn !== undefined && retryIn > 55_000 && retryIn <= 60_000, `the claim says the next retry is in ${retryIn} ms`);
  });
});

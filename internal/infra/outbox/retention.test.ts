import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, it } from "node:test";
import { useDatabaseHandle } from "../../testkit/database-handle.js";
import { quietLog } from "../../testkit/logs.js";
import { createOutboxRetention } from "./retention.js";

const HOUR = 3_600_000;
const db = useDatabaseHandle();

/** Inserts events published `publishedAgo` ago (null: unpublished) and returns their ids in order. */
async function addEvents(publishedAgo: (string | null)[]): Promise<string[]> {
  const ids = publishedAgo.map(() => randomUUID());
  for (const [i, ago] of publishedAgo.entries()) {
    await db.handle.pool.query(
      `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload, published_at)
       values ($1, 'launch', 'agg-r', 'test.Event', '{}', now() - $2::interval)`,
      [ids[i], ago],
    );
  }
  return ids;
}
const remaining = async () => (await db.handle.pool.query<{ id: string }>("select id from outbox order by seq")).rows.map((r) => r.id);

beforeEach(async () => {
  await db.handle.pool.query("truncate outbox, outbox_leases");
});

describe("outbox retention", () => {
  it("deletes only published events past the retention, in bounded batches per run", async () => {
    const ids = await addEvents(["3 hours", "2 hours", "2 hours", "90 minutes", "2 hours", "1 minute", null]);
    const retention = createOutboxRetention({ db: db.handle.db, retentionMs: HOUR, log: quietLog, batchSize: 2, maxBatches: 2 });
    assert.equal(await retention(), 4, "two batches of two");
    assert.equal(await retention(), 1, "the rest on the next run");
    assert.equal(await retention(), 0);
    assert.deepEqual(await remaining(), ids.slice(5), "the recently published and the unpublished event stay");
  });

  it("stops between batches once its signal fires", async () => {
    await addEvents(["2 hours", "2 hours", "2 hours"]);
    const abort = new AbortController();
    abort.abort();
    const retention = createOutboxRetention({ db: db.handle.db, retentionMs: HOUR, log: quietLog, batchSize: 1 });
    assert.equal(await retention(abort.signal), 0);
    assert.equal((await remaining()).length, 3);
  });

  it("sweeps leases of relays that are gone or expired, and keeps live ones", async () => {
    await db.handle.pool.query(
      `insert into outbox_leases (aggregate_id, owner_pid, expires_at) values
         ('expired', pg_backend_pid(), now() - interval '1 second'),
         ('dead-session', 2147483647, now() + interval '1 minute'),
         ('live', pg_backend_pid(), now() + interval '1 minute')`,
    );
    await createOutboxRetention({ db: db.handle.db, retentionMs: HOUR, log: quietLog })();
    const { rows } = await db.handle.pool.query<{ aggregate_id: string }>("select aggregate_id from outbox_leases");
    assert.deepEqual(
      rows.map((r) => r.aggregate_id),
      ["live"],
    );
  });

  it("lets several replicas run it at once: each expired event is deleted once", async () => {
    await addEvents(Array.from({ length: 50 }, () => "2 hours"));
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => createOutboxRetention({ db: db.handle.db, retentionMs: HOUR, log: quietLog, batchSize: 7 })()),
    );
    assert.equal(
      runs.reduce((a, b) => a + b, 0),
      50,
    );
    assert.deepEqual(await remaining(), []);
  });
});

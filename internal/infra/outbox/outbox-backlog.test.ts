import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, it } from "node:test";
import { useDatabaseHandle } from "../../testkit/database-handle.js";
import { createOutboxBacklog } from "./outbox-backlog.js";

const db = useDatabaseHandle();

/** Inserts one event of `aggregate`, written `ago` ago, published `publishedAgo` ago or not at all. */
async function addEvent(aggregate: string, ago: string, publishedAgo: string | null = null): Promise<void> {
  await db.handle.pool.query(
    `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload, created_at, published_at)
     values ($1, 'launch', $2, 'test.Event', '{}', now() - $3::interval, now() - $4::interval)`,
    [randomUUID(), aggregate, ago, publishedAgo],
  );
}

beforeEach(async () => {
  await db.handle.pool.query("truncate outbox");
});

describe("outbox backlog", () => {
  it("reads zero for an empty or fully published outbox", async () => {
    const backlog = createOutboxBacklog(db.handle.db);
    assert.deepEqual([await backlog.pending(), await backlog.oldestPendingAgeSeconds()], [0, 0]);
    await addEvent("agg-a", "3 hours", "2 hours");
    assert.deepEqual([await backlog.pending(), await backlog.oldestPendingAgeSeconds()], [0, 0]);
  });

  it("counts unpublished events and ages the oldest of them, whatever was published before", async () => {
    await addEvent("agg-a", "5 hours", "4 hours"); // published: neither counted nor aged
    await addEvent("agg-a", "10 minutes");
    await addEvent("agg-a", "1 minute");
    await addEvent("agg-b", "30 minutes");
    await addEvent("agg-c", "2 minutes");
    const backlog = createOutboxBacklog(db.handle.db);
    assert.equal(await backlog.pending(), 4);
    const age = await backlog.oldestPendingAgeSeconds();
    assert.ok(age >= 30 * 60 && age < 31 * 60, `the 30-minute-old event of agg-b, got ${age} s`);
  });
});

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { quietLog } from "../../../testkit/logs.js";
import { useDispatchEnv } from "../../webhooks/testdata/dispatch-env.js";
import { createDeliveryRetention } from "./delivery-retention.js";

const HOUR = 3_600_000;
const env = useDispatchEnv();
const pool = () => env.ctx.handle.pool;

/**
 * Copies of one real delivery (same flight and subscription), each with its own status and
 * finish time (`finishedAgo` null: still pending, enqueued three hours ago). Returns their ids.
 */
async function addDeliveries(rows: ReadonlyArray<{ status: string; finishedAgo: string | null }>): Promise<string[]> {
  const { deliveryId } = await env.oneDelivery("https://hooks.example.com/spacet");
  const ids = rows.map(() => randomUUID());
  for (const [i, r] of rows.entries()) {
    await pool().query(
      `insert into webhook_deliveries (id, event_type, flight_id, event_id, subscription_id, body, status, created_at, completed_at)
       select $1, event_type, flight_id, event_id, subscription_id, body, $2, now() - interval '3 hours', now() - $3::interval
         from webhook_deliveries where id = $4`,
      [ids[i], r.status, r.finishedAgo, deliveryId],
    );
  }
  await pool().query("delete from webhook_deliveries where id = $1", [deliveryId]);
  return ids;
}
const present = async (ids: readonly string[]) =>
  (await pool().query<{ id: string }>("select id from webhook_deliveries where id = any($1) order by seq", [ids])).rows.map((r) => r.id);

describe("webhook delivery retention", () => {
  it("deletes deliveries finished longer ago than the retention, in bounded batches, and never a pending one", async () => {
    const ids = await addDeliveries([
      { status: "succeeded", finishedAgo: "3 hours" },
      { status: "failed", finishedAgo: "2 hours" },
      { status: "cancelled", finishedAgo: "90 minutes" },
      { status: "succeeded", finishedAgo: "1 minute" },
      { status: "pending", finishedAgo: null },
    ]);
    const retention = createDeliveryRetention({ db: env.ctx.handle.db, retentionMs: HOUR, log: quietLog, batchSize: 2, maxBatches: 1 });
    assert.equal(await retention(), 2, "one batch of two per run");
    assert.equal(await retention(), 1, "the rest on the next run");
    assert.equal(await retention(), 0);
    assert.deepEqual(await present(ids), ids.slice(3), "the recently finished and the pending delivery stay");
  });

  it("keeps a delivery an operator sets back to pending while the retention is deleting it", async () => {
    const [id] = await addDeliveries([{ status: "failed", finishedAgo: "2 hours" }]);
    const retry = await pool().connect();
    try {
      // The operator's retry holds the row; the retention has already picked it as expired and waits.
      await retry.query("begin");
      await retry.query("update webhook_deliveries set status = 'pending', completed_at = null, attempts = 0 where id = $1", [id]);
      const deleting = createDeliveryRetention({ db: env.ctx.handle.db, retentionMs: HOUR, log: quietLog })();
      for (;;) {
        const { rows } = await pool().query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%delete from webhook_deliveries d using expired%'",
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      await retry.query("commit");
      assert.equal(await deleting, 0);
    } finally {
      retry.release();
    }
    const { rows } = await pool().query<{ status: string }>("select status from webhook_deliveries where id = $1", [id]);
    assert.deepEqual(rows, [{ status: "pending" }], "the retried delivery is still there, pending");
  });

  it("lets several replicas run it at once: each expired delivery is deleted once", async () => {
    const ids = await addDeliveries(Array.from({ length: 30 }, () => ({ status: "succeeded", finishedAgo: "2 hours" })));
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => createDeliveryRetention({ db: env.ctx.handle.db, retentionMs: HOUR, log: quietLog, batchSize: 4 })()),
    );
    assert.equal(
      runs.reduce((a, b) => a + b, 0),
      30,
    );
    assert.deepEqual(await present(ids), []);
  });
});

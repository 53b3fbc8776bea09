import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { useDispatchEnv } from "../../webhooks/testdata/dispatch-env.js";
import { createDeliveryQueue } from "./delivery-queue.js";

const env = useDispatchEnv();

describe("delivery queue: how long an idle dispatcher sleeps", () => {
  it("nothing pending is no due time at all (not 'due now'), and finished deliveries do not count", async () => {
    const queue = createDeliveryQueue(env.ctx.handle.db);
    assert.equal(await queue.msUntilNextDue(), undefined);

    const { deliveryId } = await env.oneDelivery("https://hooks.example.com/spacet");
    assert.equal(await queue.msUntilNextDue(), 0, "a delivery enqueued now is due now");

    await sql`update webhook_deliveries set next_attempt_at = now() + interval '10 minutes' where id = ${deliveryId}`.execute(env.ctx.handle.db);
    const ms = await queue.msUntilNextDue();
    assert.ok(ms !== undefined && ms > 9 * 60_000 && ms <= 10 * 60_000, `due in about 10 minutes, got ${ms}`);

    await sql`update webhook_deliveries set status = 'succeeded', completed_at = now() where id = ${deliveryId}`.execute(env.ctx.handle.db);
    assert.equal(await queue.msUntilNextDue(), undefined);
  });
});

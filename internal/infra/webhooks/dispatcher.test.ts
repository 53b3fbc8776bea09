import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { sql } from "kysely";
import { flightPlan, insertUser } from "../../testkit/flight-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { startTestReceiver, type TestReceiver } from "../../testkit/webhook-receiver.js";
import { useDispatchEnv } from "./testdata/dispatch-env.js";

const env = useDispatchEnv();
const { ctx } = env;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  // Every test starts from an empty queue: nothing pending leaks into the next one's dispatchers.
  await sql`update webhook_deliveries set status = 'cancelled' where status = 'pending'`.execute(ctx.handle.db);
});

async function receiver(): Promise<TestReceiver> {
  const r = await startTestReceiver();
  stops.push(() => r.close());
  return r;
}

function dispatcher(...args: Parameters<typeof env.dispatcher>) {
  const d = env.dispatcher(...args);
  stops.unshift(() => d.stop(1_000));
  return d;
}

const settled = (id: string) => async () => ["succeeded", "failed"].includes((await env.delivery(id)).status);

describe("the webhook dispatcher", () => {
  it("sends a new flight to each matching alert once, signed so that standardwebhooks verifies it", async () => {
    const r = await receiver();
    const user = await insertUser(ctx.handle.db);
    const plan = flightPlan({ origin: "BRC", destination: "USH" });
    const date = new Intl.DateTimeFormat("en-CA", { timeZone: plan.originTimeZone }).format(plan.departureTime);
    const { alert, secret } = await ctx.notifications.createAlert(user, { origin: "BRC", destination: "USH", date, webhookUrl: r.url });
    dispatcher();
    const flight = await ctx.uc.createFlight(plan);
    await waitUntil("the receiver got the flight", async () => r.requests.length === 1);
    const event = r.verify(r.requests[0], secret);
    assert.equal(event.type, "flight.created");
    assert.equal(event.data.flightId, flight.id);
    assert.equal(event.data.alertId, alert.id);
    assert.equal(r.requests[0].headers["content-type"], "application/json");
    assert.ok(Buffer.byteLength(r.requests[0].body) < 20 * 1024);
    await waitUntil("the success is recorded", settled(r.requests[0].id));
    assert.deepEqual(await env.delivery(r.requests[0].id), { status: "succeeded", attempts: 1, last_status_code: 204, last_error: null });
  });

  it("retries 500 three times, then succeeds on the 4th attempt with the same webhook-id and a fresh signature each time", async () => {
    const r = await receiver();
    r.answer((n) => ({ status: n <= 3 ? 500 : 200 }));
    const { deliveryId, secret } = await env.oneDelivery(r.url);
    // Timestamps are whole seconds: a second between attempts gives each its own.
    dispatcher({ retryDelaysMs: [1_000, 1_000, 1_000, 1_000] });
    await waitUntil("the delivery succeeded", settled(deliveryId));
    assert.deepEqual(await env.delivery(deliveryId), { status: "succeeded", attempts: 4, last_status_code: 200, last_error: null });
    assert.equal(r.requests.length, 4);
    assert.deepEqual(new Set(r.requests.map((q) => q.id)), new Set([deliveryId]));
    for (const q of r.requests) assert.equal(r.verify(q, secret).type, "flight.status_changed");
    assert.equal(new Set(r.requests.map((q) => q.timestamp)).size, 4, "each attempt carries its own timestamp");
    assert.equal(new Set(r.requests.map((q) => q.signature)).size, 4, "each attempt is signed anew");
  });

  it("disables the endpoint on 410 Gone and cancels what it still had waiting", async () => {
    const r = await receiver();
    r.answer(() => ({ status: 410 }));
    const { deliveryId, subscriptionId, flightId } = await env.oneDelivery(r.url);
    await ctx.uc.updateFlightStatus({ flightId, operationalStatus: "on_time" });
    dispatcher({ maxInFlight: 1 });
    await waitUntil("the delivery failed", settled(deliveryId));
    const row = await env.delivery(deliveryId);
    assert.deepEqual([row.status, row.last_status_code], ["failed", 410]);
    const sub = await ctx.handle.db.selectFrom("flight_subscriptions").select("disabled_at").where("id", "=", subscriptionId).executeTakeFirstOrThrow();
    assert.ok(sub.disabled_at);
    const others = await ctx.handle.db
      .selectFrom("webhook_deliveries")
      .select("status")
      .where("subscription_id", "=", subscriptionId)
      .where("id", "<>", deliveryId)
      .execute();
    assert.deepEqual(
      others.map((o) => o.status),
      ["cancelled"],
    );
    assert.equal(r.requests.length, 1);
  });

  it("treats a redirect as a failure and never follows it", async () => {
    const target = await receiver();
    const r = await receiver();
    r.answer(() => ({ status: 301, headers: { location: target.url } }));
    const { deliveryId } = await env.oneDelivery(r.url);
    dispatcher({ retryDelaysMs: [50] });
    await waitUntil("the delivery failed", settled(deliveryId));
    const row = await env.delivery(deliveryId);
    assert.deepEqual(row, { status: "failed", attempts: 2, last_status_code: 301, last_error: "redirect (HTTP 301) not followed" });
    assert.equal(target.connections, 0);
  });

  it("honours Retry-After when it asks for longer than the schedule", async () => {
    const r = await receiver();
    r.answer((n) => (n === 1 ? { status: 503, headers: { "retry-after": "2" } } : { status: 204 }));
    const { deliveryId } = await env.oneDelivery(r.url);
    // The cap of a Retry-After is the schedule's longest delay (5 s here).
    dispatcher({ retryDelaysMs: [50, 5_000] });
    await waitUntil("the first attempt failed", async () => (await env.delivery(deliveryId)).last_status_code === 503);
    const { rows } = await sql<{ wait: number }>`
      select extract(epoch from next_attempt_at - last_attempt_at)::float8 as wait from webhook_deliveries where id = ${deliveryId}`.execute(ctx.handle.db);
    assert.ok(rows[0].wait >= 1.9, `the retry waits the 2 s asked for, not 50 ms (${rows[0].wait} s)`);
    await waitUntil("the retry succeeded", settled(deliveryId));
    assert.equal(r.requests.length, 2);
  });

  it("gives up on a hung receiver after the timeout", async () => {
    const r = await receiver();
    r.answer(() => "hang");
    const { deliveryId } = await env.oneDelivery(r.url);
    dispatcher({ retryDelaysMs: [50], timeoutMs: 300 });
    await waitUntil("the delivery failed", settled(deliveryId));
    const row = await env.delivery(deliveryId);
    assert.deepEqual(row, { status: "failed", attempts: 2, last_status_code: null, last_error: "no answer within 300 ms" });
  });

  it("loses nothing while the receiver is down: retries until it is back", async () => {
    const first = await startTestReceiver();
    const port = first.port;
    await first.close();
    const { deliveryId, secret } = await env.oneDelivery(`http://127.0.0.1:${port}/hook`);
    dispatcher({ retryDelaysMs: Array(20).fill(100) });
    await waitUntil("an attempt failed", async () => (await env.delivery(deliveryId)).last_error !== null);
    assert.match((await env.delivery(deliveryId)).last_error ?? "", /connection failed \(ECONNREFUSED\)/);
    const back = await startTestReceiver({ port });
    stops.push(() => back.close());
    await waitUntil("the delivery succeeded", settled(deliveryId));
    assert.equal((await env.delivery(deliveryId)).status, "succeeded");
    assert.equal(back.verify(back.requests[0], secret).type, "flight.status_changed");
  });

  it("several dispatchers racing send each delivery once per attempt", async () => {
    const r = await receiver();
    const user = await insertUser(ctx.handle.db);
    const plan = flightPlan({ origin: "MDQ", destination: "BHI" });
    const date = new Intl.DateTimeFormat("en-CA", { timeZone: plan.originTimeZone }).format(plan.departureTime);
    for (let i = 0; i < 40; i++) await ctx.notifications.createAlert(user, { origin: "MDQ", destination: "BHI", date, webhookUrl: r.url });
    for (let i = 0; i < 3; i++) dispatcher({ maxInFlight: 4 });
    const flight = await ctx.uc.createFlight(plan);
    await waitUntil("all 40 arrived", async () => r.requests.length >= 40);
    await waitUntil("all 40 recorded", async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from webhook_deliveries where flight_id = ${flight.id} and status = 'succeeded' and attempts = 1`.execute(ctx.handle.db);
      return rows[0].n === 40;
    });
    assert.equal(r.requests.length, 40);
    assert.equal(new Set(r.requests.map((q) => q.id)).size, 40);
  });

  it("refuses private, loopback, link-local and IPv4-mapped addresses at connect time unless allowlisted", async () => {
    const r = await receiver();
    const flight = await ctx.uc.createFlight(flightPlan());
    const urls = [
      `http://127.0.0.1:${r.port}/hook`,
      `http://localhost:${r.port}/hook`,
      `http://[::1]:${r.port}/hook`,
      `http://[::ffff:127.0.0.1]:${r.port}/hook`,
      "http://10.0.0.1/hook",
      "http://169.254.169.254/latest/meta-data",
    ];
    // Registered before the rules tightened (or through DNS that changed): the sender decides.
    for (const url of urls) {
      await ctx.handle.db
        .insertInto("flight_subscriptions")
        .values({
          id: crypto.randomUUID(),
          flight_id: flight.id,
          user_id: (await insertUser(ctx.handle.db)).userId,
          webhook_url: url,
          secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          created_at: new Date(),
        })
        .execute();
    }
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "delayed" });
    dispatcher({ allowedCidrs: [] });
    await waitUntil("every delivery failed", async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where flight_id = ${flight.id} and status = 'failed'`.execute(
        ctx.handle.db,
      );
      return rows[0].n === urls.length;
    });
    const rows = await ctx.handle.db.selectFrom("webhook_deliveries").select(["attempts", "last_error"]).where("flight_id", "=", flight.id).execute();
    for (const row of rows) assert.deepEqual(row, { attempts: 1, last_error: "refused address: not a public unicast address" });
    assert.equal(r.connections, 0);
  });
});

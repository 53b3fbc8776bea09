import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";
import { waitUntil } from "../internal/testkit/wait-until.js";
import { startTestReceiver, type TestReceiver } from "../internal/testkit/webhook-receiver.js";

// The lease outlasts the timeout by one second, so the takeover comes soon after the kill.
const ENV = { WEBHOOK_ALLOWED_CIDRS: "127.0.0.0/8", WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_TIMEOUT: "2s", WEBHOOK_LEASE: "3s" };

describe("a dispatcher killed mid-send", () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let receiver: TestReceiver;
  const services: ServiceProcess[] = [];
  before(async () => {
    tdb = await createTestDatabase();
    handle = openDatabase({ dsn: tdb.dsn, poolMax: 2 });
    receiver = await startTestReceiver();
  });
  after(async () => {
    for (const s of services) await s.stop();
    await receiver?.close();
    await handle?.close();
    await tdb?.drop();
  });

  it("leaves its lease to expire, and another replica sends the delivery again with the same webhook-id", async () => {
    const first = await startServiceProcess({ dsn: tdb.dsn, env: ENV });
    const operator = bearer(await mintTestToken(await insertUser(handle.db, "operator")));
    const user = bearer(await mintTestToken(await insertUser(handle.db)));
    const post = async (path: string, body: unknown, headers: Record<string, string>) => {
      const res = await fetch(`${first.httpUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, any>;
      assert.equal(res.status, 200, JSON.stringify(json));
      return json;
    };
    const flight = (await post("/v1/flights", createFlightJson(flightPlan()), operator)).flight;
    const { signingSecret } = await post(`/v1/flights/${flight.flightId}/subscriptions`, { webhookUrl: receiver.url }, user);
    // The first attempt hangs: the replica is killed while it waits for the answer.
    receiver.answer((n) => (n === 1 ? "hang" : { status: 204 }));
    await post(`/v1/flights/${flight.flightId}:updateStatus`, { operationalStatus: "delayed" }, operator);
    await waitUntil("the first attempt reached the receiver", async () => receiver.requests.length === 1);
    first.process.kill("SIGKILL");
    await first.process.exited;

    services.push(await startServiceProcess({ dsn: tdb.dsn, env: ENV }));
    await waitUntil("the delivery was sent again", async () => receiver.requests.length === 2, 20_000);
    const [killed, resent] = receiver.requests;
    assert.equal(resent.id, killed.id, "same webhook-id: receivers dedupe on it");
    assert.equal(receiver.verify(resent, signingSecret).type, "flight.status_changed");
    await waitUntil("the success is recorded", async () => {
      const row = await handle.db.selectFrom("webhook_deliveries").select(["status", "attempts"]).where("id", "=", resent.id).executeTakeFirstOrThrow();
      return row.status === "succeeded" && row.attempts === 2;
    });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AlertService } from "../gen/spacet/v1/alert_pb.js";
import { SubscriptionService } from "../gen/spacet/v1/subscription_pb.js";
import { WebhookService } from "../gen/spacet/v1/webhook_pb.js";
import type { Principal } from "../internal/domain/identity/principal.js";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { restCaller } from "../internal/testkit/rest-call.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";
import { waitUntil } from "../internal/testkit/wait-until.js";
import { startTestReceiver, type TestReceiver } from "../internal/testkit/webhook-receiver.js";

const sut = useServiceProcess({
  WEBHOOK_ALLOWED_CIDRS: "127.0.0.0/8",
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_RETRY_SCHEDULE: "100ms,100ms",
  WEBHOOK_RETRY_JITTER_PERCENT: "0",
});
after(() => {
  assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM");
});

let handle: DatabaseHandle;
let receiver: TestReceiver;
const as: Record<"operator" | "ada" | "bob", { principal: Principal; headers: { authorization: string } }> = {} as never;

const rest = restCaller(() => sut.service.httpUrl);

const grpc = <S extends typeof AlertService | typeof SubscriptionService | typeof WebhookService>(service: S) =>
  createClient(service, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));

async function grpcCode(call: Promise<unknown>): Promise<Code> {
  try {
    await call;
  } catch (e) {
    return ConnectError.from(e).code;
  }
  assert.fail("expected the call to fail");
}

async function newFlight(): Promise<{ flightId: string; departureDate: string }> {
  const { status, body } = await rest("POST", "/v1/flights", createFlightJson(flightPlan({ origin: "EZE", destination: "BRC" })), as.operator.headers);
  assert.equal(status, 200, JSON.stringify(body));
  return body.flight;
}

describe("alerts, subscriptions and deliveries through the real server", () => {
  before(async () => {
    handle = openDatabase({ dsn: sut.db.dsn, poolMax: 2 });
    receiver = await startTestReceiver();
    for (const [name, role] of [
      ["operator", "operator"],
      ["ada", "user"],
      ["bob", "user"],
    ] as const) {
      const principal = await insertUser(handle.db, role);
      as[name] = { principal, headers: bearer(await mintTestToken(principal)) };
    }
  });
  after(async () => {
    await receiver?.close();
    await handle?.close();
  });

  it("a user's alert fires once for a matching new flight, signed with the secret shown only at creation", async () => {
    const plan = flightPlan({ origin: "EZE", destination: "IGR" });
    const date = new Intl.DateTimeFormat("en-CA", { timeZone: plan.originTimeZone }).format(plan.departureTime);
    const created = await rest("POST", "/v1/alerts", { origin: "EZE", destination: "IGR", departureDate: date, webhookUrl: receiver.url }, as.ada.headers);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const secret = created.body.signingSecret as string;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.body.alert.status, "ALERT_STATUS_ACTIVE");
    const listed = await rest("GET", "/v1/alerts", undefined, as.ada.headers);
    assert.deepEqual(
      listed.body.alerts.map((a: { alertId: string }) => a.alertId),
      [created.body.alert.alertId],
    );
    assert.ok(!JSON.stringify(listed.body).includes("whsec_"), "the secret is never shown again");

    const flight = await rest("POST", "/v1/flights", createFlightJson(plan), as.operator.headers);
    await waitUntil("the alert's webhook arrived", async () => receiver.requests.some((r) => r.body.includes(flight.body.flight.flightId)));
    const got = receiver.requests.filter((r) => r.body.includes(flight.body.flight.flightId));
    assert.equal(got.length, 1);
    const event = receiver.verify(got[0], secret);
    assert.deepEqual([event.type, event.data.flightId, event.data.alertId], ["flight.created", flight.body.flight.flightId, created.body.alert.alertId]);
    const logs = sut.service.process.stdout() + sut.service.process.stderr();
    assert.ok(logs.includes("ready") && !logs.includes(secret.slice(6)), "the signing secret never reaches the logs");
  });

  it("another user's alerts and subscriptions are NOT_FOUND on REST and gRPC; operators see everyone's", async () => {
    const alert = await rest(
      "POST",
      "/v1/alerts",
      { origin: "EZE", destination: "IGR", departureMonth: { year: 2999, month: 6 }, webhookUrl: receiver.url },
      as.ada.headers,
    );
    assert.equal(alert.status, 200, JSON.stringify(alert.body));
    const alertId = alert.body.alert.alertId as string;
    const flight = await newFlight();
    const sub = await rest("POST", `/v1/flights/${flight.flightId}/subscriptions`, { webhookUrl: receiver.url }, as.ada.headers);
    assert.equal(sub.status, 200, JSON.stringify(sub.body));
    assert.match(sub.body.signingSecret, /^whsec_/);

    assert.equal((await rest("DELETE", `/v1/alerts/${alertId}`, undefined, as.bob.headers)).status, 404);
    assert.equal(await grpcCode(grpc(AlertService).deleteAlert({ alertId }, { headers: as.bob.headers })), Code.NotFound);
    assert.equal((await rest("DELETE", `/v1/flights/${flight.flightId}/subscriptions/${as.ada.principal.userId}`, undefined, as.bob.headers)).status, 404);
    assert.equal(
      await grpcCode(grpc(SubscriptionService).unsubscribe({ flightId: flight.flightId, userId: as.ada.principal.userId }, { headers: as.bob.headers })),
      Code.NotFound,
    );
    const bobsAlerts = await grpc(AlertService).listAlerts({}, { headers: as.bob.headers });
    assert.equal(bobsAlerts.alerts.length, 0);
    const bobsSubs = await rest("GET", "/v1/subscriptions", undefined, as.bob.headers);
    assert.deepEqual(bobsSubs.body.subscriptions, []);

    const all = await rest("GET", `/v1/subscriptions?flightId=${flight.flightId}`, undefined, as.operator.headers);
    assert.deepEqual(
      all.body.subscriptions.map((s: { userId: string }) => s.userId),
      [as.ada.principal.userId],
    );
    const allAlerts = await grpc(AlertService).listAlerts({ pageSize: 100 }, { headers: as.operator.headers });
    assert.ok(allAlerts.alerts.some((a) => a.alertId === alertId));

    // The owner can, and then it is gone.
    assert.equal((await rest("DELETE", `/v1/flights/${flight.flightId}/subscriptions/${as.ada.principal.userId}`, undefined, as.ada.headers)).status, 200);
    assert.equal((await rest("DELETE", `/v1/alerts/${alertId}`, undefined, as.ada.headers)).status, 200);
    assert.equal((await rest("DELETE", `/v1/alerts/${alertId}`, undefined, as.ada.headers)).status, 404);
  });

  it("deliveries are for operators only: anonymous 401, user 403 / PERMISSION_DENIED; operators list by filter and retry one", async () => {
    assert.equal((await rest("GET", "/v1/webhook-deliveries")).status, 401);
    assert.equal((await rest("GET", "/v1/webhook-deliveries", undefined, as.ada.headers)).status, 403);
    assert.equal(await grpcCode(grpc(WebhookService).listWebhookDeliveries({}, { headers: as.ada.headers })), Code.PermissionDenied);

    const flight = await newFlight();
    const sub = await rest("POST", `/v1/flights/${flight.flightId}/subscriptions`, { webhookUrl: receiver.url }, as.bob.headers);
    const subscriptionId = sub.body.subscription.subscriptionId as string;
    const moved = await rest("POST", `/v1/flights/${flight.flightId}:updateStatus`, { operationalStatus: "delayed" }, as.operator.headers);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const listed = async () => rest("GET", `/v1/webhook-deliveries?targetId=${subscriptionId}&status=succeeded`, undefined, as.operator.headers);
    await waitUntil("the status change was delivered", async () => (await listed()).body.deliveries.length === 1);
    const [delivery] = (await listed()).body.deliveries;
    assert.deepEqual(
      [delivery.eventType, delivery.flightId, delivery.targetKind, delivery.attempts, delivery.lastStatusCode],
      ["flight.status_changed", flight.flightId, "WEBHOOK_TARGET_KIND_SUBSCRIPTION", 1, 204],
    );
    const byFlight = await grpc(WebhookService).listWebhookDeliveries({ flightId: flight.flightId }, { headers: as.operator.headers });
    assert.deepEqual(
      byFlight.deliveries.map((d) => d.deliveryId),
      [delivery.deliveryId],
    );

    const before = receiver.requests.filter((r) => r.id === delivery.deliveryId).length;
    const retried = await rest("POST", `/v1/webhook-deliveries/${delivery.deliveryId}:retry`, {}, as.operator.headers);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    await waitUntil(
      "the retry was sent with the same webhook-id",
      async () => receiver.requests.filter((r) => r.id === delivery.deliveryId).length === before + 1,
    );
    assert.equal((await rest("POST", "/v1/webhook-deliveries/00000000-0000-4000-8000-000000000000:retry", {}, as.operator.headers)).status, 404);
    assert.equal(
      await grpcCode(grpc(WebhookService).retryWebhookDelivery({ deliveryId: delivery.deliveryId }, { headers: as.ada.headers })),
      Code.PermissionDenied,
    );

    // Metrics: attempts by result, the backlog; never an id or a URL in a label.
    const samples = await scrape(sut.service.httpUrl);
    assert.ok((sampleValue(samples, "spacet_webhook_deliveries_total", { result: "succeeded" }) ?? 0) >= 2);
    assert.equal(sampleValue(samples, "spacet_webhook_deliveries_total", { result: "failed" }), 0);
    assert.equal(typeof sampleValue(samples, "spacet_webhook_pending"), "number");
    assert.equal(typeof sampleValue(samples, "spacet_webhook_oldest_pending_age_seconds"), "number");
    const labels = JSON.stringify(samples.filter((x) => x.name.startsWith("spacet_webhook")));
    assert.ok(!labels.includes(delivery.deliveryId) && !labels.includes("127.0.0.1"));
  });

  it("bad input gets clear errors and writes nothing", async () => {
    const count = async () => {
      const a = await handle.db
        .selectFrom("alerts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const s = await handle.db
        .selectFrom("flight_subscriptions")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(a.n) + Number(s.n);
    };
    const before = await count();
    const both = await rest(
      "POST",
      "/v1/alerts",
      { origin: "EZE", destination: "IGR", departureDate: "2999-01-01", departureMonth: { year: 2999, month: 1 }, webhookUrl: receiver.url },
      as.ada.headers,
    );
    assert.equal(both.status, 400, JSON.stringify(both.body));
    assert.match(JSON.stringify(both.body.details), /departure_date|departure_month/);
    const neither = await rest("POST", "/v1/alerts", { origin: "EZE", destination: "IGR", webhookUrl: receiver.url }, as.ada.headers);
    assert.equal(neither.status, 400);
    for (const webhookUrl of ["ftp://x.example/", "https://u:p@x.example/", "http://10.1.1.1/hook", `https://x.example/${"a".repeat(2050)}`]) {
      const bad = await rest("POST", "/v1/alerts", { origin: "EZE", destination: "IGR", departureDate: "2999-01-01", webhookUrl }, as.ada.headers);
      assert.equal(bad.status, 400, webhookUrl.slice(0, 40));
      assert.match(JSON.stringify(bad.body), /webhook_url/);
    }
    const unknown = await rest("POST", "/v1/flights/00000000-0000-4000-8000-000000000000/subscriptions", { webhookUrl: receiver.url }, as.ada.headers);
    assert.equal(unknown.status, 404);
    const flight = await newFlight();
    assert.equal((await rest("POST", `/v1/flights/${flight.flightId}/subscriptions`, { webhookUrl: receiver.url }, as.ada.headers)).status, 200);
    const again = await rest("POST", `/v1/flights/${flight.flightId}/subscriptions`, { webhookUrl: receiver.url }, as.ada.headers);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(await count(), before + 1);
  });
});

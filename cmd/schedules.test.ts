import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { randomUUID } from "node:crypto";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken, TEST_JWT_SECRET } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { spawnScript } from "../internal/testkit/processes.js";
import { type Sample, sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { restCaller } from "../internal/testkit/rest-call.js";
import { useServiceWithSpacexFixtures } from "../internal/testkit/service-under-test.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// The real server with its recurring jobs on cron expressions with a seconds field, so a test
// sees several slots pass in a few seconds: the launch sync is checked every second and due
// every second (ORCHESTRATOR_INTERVAL=1s); the pads are checked every second too, but stay
// fresh for SPACEX_LAUNCHPADS_MAX_AGE (720h), so after the start-up refresh they are not due.
// The webhook retention runs every second and keeps finished deliveries for an hour.
const sut = useServiceWithSpacexFixtures({
  SYNC_CRON: "*/1 * * * * *",
  ORCHESTRATOR_INTERVAL: "1s",
  LAUNCHPADS_CRON: "*/1 * * * * *",
  WEBHOOK_CLEANUP_CRON: "*/1 * * * * *",
  WEBHOOK_RETENTION: "1h",
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_ALLOWED_CIDRS: "127.0.0.0/8",
});
after(async () => {
  assert.equal(sut.exitCode, 0, "SIGTERM stops the jobs (awaiting a run in progress) and exits 0");
});

const runs = (samples: Sample[], job: string, outcome: string) => sampleValue(samples, "spacet_sync_runs_total", { job, outcome }) ?? 0;

describe("schedules on node-cron", () => {
  it("triggers the SpaceX sync on every slot of SYNC_CRON, and it runs whenever ORCHESTRATOR_INTERVAL has passed", async () => {
    const base = sut.service.httpUrl;
    const first = runs(await scrape(base), "spacex_launches", "succeeded");
    await waitUntil("three more scheduled syncs ran", async () => runs(await scrape(base), "spacex_launches", "succeeded") >= first + 3, 15_000);
    const status = (await (await fetch(`${base}/v1/sync`)).json()) as { launches: { lastSuccess: { trigger: string } } };
    assert.equal(status.launches.lastSuccess.trigger, "SYNC_TRIGGER_SCHEDULE");
  });

  it("checks the launchpads on LAUNCHPADS_CRON, and leaves them alone while they are younger than their maximum age", async () => {
    const base = sut.service.httpUrl;
    const first = runs(await scrape(base), "launchpads", "not_due");
    await waitUntil("two more pad checks found nothing due", async () => runs(await scrape(base), "launchpads", "not_due") >= first + 2, 15_000);
    assert.equal(runs(await scrape(base), "launchpads", "succeeded"), 1, "only the start-up refresh ran");
  });

  it("deletes webhook deliveries finished longer ago than WEBHOOK_RETENTION on WEBHOOK_CLEANUP_CRON, and keeps pending and recent ones", async () => {
    const rest = restCaller(() => sut.service.httpUrl);
    const handle = openDatabase({ dsn: sut.db.dsn, poolMax: 2 });
    try {
      const [operator, user] = [await insertUser(handle.db, "operator"), await insertUser(handle.db, "user")];
      const flight = await rest("POST", "/v1/flights", createFlightJson(flightPlan()), bearer(await mintTestToken(operator)));
      assert.equal(flight.status, 200, JSON.stringify(flight.body));
      const flightId = flight.body.flight.flightId as string;
      const sub = await rest("POST", `/v1/flights/${flightId}/subscriptions`, { webhookUrl: "http://127.0.0.1:9/hook" }, bearer(await mintTestToken(user)));
      assert.equal(sub.status, 200, JSON.stringify(sub.body));
      // Deliveries of that subscription as a dispatcher would have left them; the pending one
      // is not due for a day, so no dispatcher touches it during the test.
      const rows = [
        { status: "succeeded", completedAgo: "2 hours" },
        { status: "failed", completedAgo: "3 days" },
        { status: "succeeded", completedAgo: "1 minute" },
        { status: "pending", completedAgo: null },
      ].map((r) => ({ ...r, id: randomUUID() }));
      for (const r of rows) {
        await handle.pool.query(
          `insert into webhook_deliveries (id, event_type, flight_id, event_id, subscription_id, body, status, created_at, completed_at, next_attempt_at)
           select $1, 'flight.status_changed', $2, gen_random_uuid(), s.id, '{}', $3, now() - interval '4 days', now() - $4::interval, now() + interval '1 day'
             from flight_subscriptions s where s.flight_id = $2`,
          [r.id, flightId, r.status, r.completedAgo],
        );
      }
      const left = async () =>
        (await handle.pool.query<{ id: string }>("select id from webhook_deliveries where id = any($1)", [rows.map((r) => r.id)])).rows.map((r) => r.id).sort();
      await waitUntil("the finished deliveries past retention are gone", async () => (await left()).length <= 2, 10_000);
      assert.deepEqual(await left(), [rows[2].id, rows[3].id].sort(), "the recent and the pending delivery stay");
    } finally {
      await handle.close();
    }
  });

  it("refuses to start on an invalid expression, naming the key and the fault with every other config problem", async () => {
    const server = spawnScript("cmd/server.ts", {
      env: {
        PG_DSN: "postgres://postgres@127.0.0.1:1/none",
        JWT_SECRET: TEST_JWT_SECRET,
        SYNC_CRON: "61 * * * *",
        OUTBOX_CLEANUP_CRON: "every minute",
        HTTP_PORT: "http",
      },
    });
    const { code } = await server.exited;
    assert.equal(code, 2);
    const stderr = server.stderr();
    assert.match(stderr, /^invalid configuration:$/m);
    assert.match(
      stderr,
      /SYNC_CRON must be a cron expression like "\*\/5 \* \* \* \*" \(seconds first optional\), got "61 \* \* \* \*": minute: 61 is a invalid expression for minute/,
    );
    assert.match(stderr, /OUTBOX_CLEANUP_CRON must be a cron expression .*got "every minute": expected 5 or 6 fields but got 2/);
    assert.match(stderr, /HTTP_PORT must be an integer/);
    assert.doesNotMatch(server.stdout(), /listening/, "nothing started");
  });
});

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { TEST_JWT_SECRET } from "../internal/testkit/auth.js";
import { spawnScript } from "../internal/testkit/processes.js";
import { type Sample, sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { useServiceWithSpacexFixtures } from "../internal/testkit/service-under-test.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// The real server with its recurring jobs on cron expressions with a seconds field, so a test
// sees several slots pass in a few seconds: the launch sync is checked every second and due
// every second (ORCHESTRATOR_INTERVAL=1s); the pads are checked every second too, but stay
// fresh for SPACEX_LAUNCHPADS_MAX_AGE (720h), so after the start-up refresh they are not due.
const sut = useServiceWithSpacexFixtures({ SYNC_CRON: "*/1 * * * * *", ORCHESTRATOR_INTERVAL: "1s", LAUNCHPADS_CRON: "*/1 * * * * *" });
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

import assert from "node:assert/strict";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../internal/testkit/spacex-fixture-server/server.js";
import { freePort } from "../pkg/free-port.js";
import { type ScriptProcess, spawnScript } from "../internal/testkit/processes.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// `npm start` as a user would run it: no PG_DSN (the embedded PostgreSQL in a fresh data folder)
// and SPACEX_API_URL on the fixture server. The service must sync on its own at start-up.
let dataDir: string;
let fixture: SpacexFixtureServer;
let service: ScriptProcess;
let base: string;

before(async () => {
  fixture = await startSpacexFixtureServer({ shiftYears: new Date().getUTCFullYear() - 2022 + 1 });
  dataDir = await mkdtemp(join(tmpdir(), "spacet-sync-service-"));
  await chmod(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${httpPort}`;
  service = spawnScript("cmd/server.ts", {
    env: {
      PG_DSN: "",
      JWT_SECRET: "",
      PG_DATA_DIR: join(dataDir, "pg"),
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      SPACEX_API_URL: fixture.url,
      PUBSUB_ENABLED: "false",
      LOG_LEVEL: "info",
    },
  });
  await service.waitForLine(/"msg":"ready"/, 60_000);
});
after(async () => {
  if (service) {
    service.kill("SIGTERM");
    await service.exited;
  }
  await fixture?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const getSync = async () => (await (await fetch(`${base}/v1/sync`)).json()) as Record<string, any>;

describe("the service on the embedded default", () => {
  it("syncs with SpaceX on its own at start-up, and GET /v1/sync shows the result", async () => {
    await waitUntil("the start-up sync succeeded", async () => (await getSync()).launches?.lastSuccess !== undefined, 30_000);
    const status = await getSync();
    const run = status.launches.lastSuccess;
    assert.equal(run.trigger, "SYNC_TRIGGER_STARTUP");
    assert.equal(run.outcome, "SYNC_OUTCOME_SUCCEEDED");
    assert.deepEqual([run.counts.fetched, run.counts.added], [9, 9]);
    assert.equal(status.launchpads.lastSuccess.counts.fetched, 6, "the seed pads were refreshed first");
    assert.equal(status.launches.interval, "3600s");

    // One log line per run; on its own pipe, so it may arrive after the status answer.
    const line = await service.waitForLine(
      /"msg":"spacex sync succeeded".*"job":"spacex_launches"|"job":"spacex_launches".*"msg":"spacex sync succeeded"/,
      5_000,
    );
    assert.deepEqual(
      (({ fetched, added, removed, bookingsCancelled, roundTrips }) => ({ fetched, added, removed, bookingsCancelled, hasTrips: roundTrips > 0 }))(
        JSON.parse(line),
      ),
      { fetched: 9, added: 9, removed: 0, bookingsCancelled: 0, hasTrips: true },
    );
  });

  it("generates a JWT secret when none is configured and says tokens will not survive a restart", () => {
    const line = service
      .stdout()
      .split("\n")
      .find((l) => l.includes("no JWT_SECRET configured"));
    assert.ok(line, "the start-up log says so");
    assert.match(JSON.parse(line).msg, /tokens will not survive a restart/);
    assert.equal(JSON.parse(line).level, 40, "a warning");
  });

  it("stops the scheduler on SIGTERM and exits 0", async () => {
    service.kill("SIGTERM");
    assert.equal((await service.exited).code, 0);
  });
});

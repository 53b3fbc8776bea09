import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createSpacexSync, type SpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../../testkit/spacex-fixture-server/server.js";
import { SyncService } from "../../../gen/spacet/v1/sync_pb.js";
import { createHttpTranscoder } from "../../../pkg/http-transcoder/index.js";
import { type DatabaseHandle, openDatabase } from "../../infra/postgres/db.js";
import { createTestDatabase } from "../../testkit/postgres.js";
import { fastFailingProvider, syncSettings } from "../../testkit/spacex-sync.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { createSyncHandler } from "./sync-handler.js";
import { silentLog } from "../../testkit/logs.js";

let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
let fixture: SpacexFixtureServer;
let sync: SpacexSync;
let server: Server;
let base: string;

before(async () => {
  const tdb = await createTestDatabase();
  dropDatabase = tdb.drop;
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 5 });
  fixture = await startSpacexFixtureServer({ shiftYears: 27 });
  sync = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url), log: silentLog });
  const rest = createHttpTranscoder({
    services: [SyncService],
    routes: (router) => router.service(SyncService, createSyncHandler(sync)),
    prefix: "/v1/",
  });
  server = createServer((req, res) => {
    void rest(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await fixture?.close();
  await handle?.close();
  await dropDatabase?.();
});

const getJson = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${base}${path}`, init);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Record<string, any>;
};

describe("SyncService over REST", () => {
  it("shows an empty history before the first run", async () => {
    const status = await getJson("/v1/sync");
    assert.deepEqual(status.launches, { interval: "3600s" });
    assert.equal(status.launchpads.interval, `${30 * 86_400}s`);
  });

  it("POST /v1/sync:run forces a run and returns it; GET /v1/sync then shows it", async () => {
    const ran = await getJson("/v1/sync:run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshLaunchpads: true }),
    });
    assert.equal(ran.result, "RUN_SYNC_RESULT_RAN");
    assert.equal(ran.run.outcome, "SYNC_OUTCOME_SUCCEEDED");
    assert.equal(ran.run.trigger, "SYNC_TRIGGER_MANUAL");
    assert.equal(ran.run.counts.fetched, 9);
    assert.equal(ran.launchpadsRun.counts.fetched, 6);

    const status = await getJson("/v1/sync");
    assert.equal(status.launches.lastRun.runId, ran.run.runId);
    assert.equal(status.launches.lastSuccess.runId, ran.run.runId);
    assert.equal(status.launches.lastFailure, undefined);
    assert.equal(status.launchpads.lastSuccess.runId, ran.launchpadsRun.runId);
    assert.equal(status.running ?? false, false);
  });

  it("reports a failed run with its error as the result and as the last failure", async () => {
    fixture.setFault({ kind: "status", status: 404 });
    try {
      const ran = await getJson("/v1/sync:run", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.equal(ran.run.outcome, "SYNC_OUTCOME_FAILED");
      assert.match(ran.run.error, /HTTP 404/);
      assert.equal(ran.launchpadsRun, undefined);
      const status = await getJson("/v1/sync");
      assert.equal(status.launches.lastFailure.error, ran.run.error);
      assert.notEqual(status.launches.lastSuccess.runId, ran.run.runId);
    } finally {
      fixture.setFault(null);
    }
  });

  it("says another runner is running the sync instead of waiting for it", async () => {
    fixture.setFault({ kind: "timeout", route: "/launches/query" });
    const provider = fastFailingProvider(fixture.url, { timeoutMs: 60_000 });
    const stuck = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url), log: silentLog, provider });
    const abort = new AbortController();
    const holding = stuck.syncSpacexLaunches({ trigger: "schedule", force: true, signal: abort.signal });
    try {
      await waitUntil("the other runner holds the lock", async () => (await sync.getSyncStatus()).running);
      const ran = await getJson("/v1/sync:run", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.deepEqual(ran, { result: "RUN_SYNC_RESULT_ALREADY_RUNNING" });
      assert.equal((await getJson("/v1/sync")).running, true);
    } finally {
      abort.abort(new Error("test over"));
      fixture.setFault(null);
    }
    const aborted = await holding;
    assert.equal(aborted.kind === "ran" && aborted.run.outcome, "failed", "an aborted run is recorded as failed");
  });
});

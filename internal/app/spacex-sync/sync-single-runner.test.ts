import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { after, before, beforeEach, describe, it } from "node:test";
import { createSpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../../testkit/spacex-fixture-server/server.js";
import { type DatabaseHandle, openDatabase } from "../../infra/postgres/db.js";
import { createSyncStatusReader } from "../../infra/postgres/spacex-sync/sync-runs.js";
import { createTestDatabase } from "../../testkit/postgres.js";
import { type ScriptProcess, spawnScript } from "../../testkit/processes.js";
import { advisoryLocksHeld, mirrorSnapshot, syncSettings } from "../../testkit/spacex-sync.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { silentLog } from "../../testkit/logs.js";

const RUNNER = fileURLToPath(new URL("./testdata/sync-runner.ts", import.meta.url));
/** Held requests never answer: the run that got the lock stays inside its fetch until we say. */
const HOLD_LAUNCHES = { kind: "timeout", route: "/launches/query" } as const;

let handle: DatabaseHandle;
let dsn: string;
let dropDatabase: () => Promise<void>;
let fixture: SpacexFixtureServer;
const spawned: ScriptProcess[] = [];

before(async () => {
  const tdb = await createTestDatabase();
  ({ dsn } = tdb);
  dropDatabase = tdb.drop;
  handle = openDatabase({ dsn, poolMax: 3 });
  fixture = await startSpacexFixtureServer({ shiftYears: 27 });
});
after(async () => {
  for (const p of spawned) p.kill("SIGKILL");
  await Promise.all(spawned.map((p) => p.exited));
  await fixture?.close();
  await handle?.close();
  await dropDatabase?.();
});
beforeEach(async () => {
  fixture.setFault(null);
  await sql`delete from sync_runs`.execute(handle.db);
});

function runner(env: { timeoutMs: number; retries: number }): ScriptProcess {
  const p = spawnScript(RUNNER, {
    env: { SYNC_DSN: dsn, SPACEX_URL: fixture.url, SPACEX_TIMEOUT_MS: String(env.timeoutMs), SPACEX_RETRIES: String(env.retries) },
  });
  spawned.push(p);
  return p;
}

const outcomeOf = async (p: ScriptProcess) => JSON.parse((await p.waitForLine(/^outcome /)).slice("outcome ".length)) as { kind: string; outcome?: string };
const syncRuns = async () => (await sql<{ id: string }>`select id from sync_runs`.execute(handle.db)).rows;
const reader = () => createSyncStatusReader(handle.db);

describe("SpaceX sync: one runner across processes", () => {
  it("lets exactly one of three processes started together run; the others skip, and no lock is left", async () => {
    fixture.setFault(HOLD_LAUNCHES);
    // Retries outlast the hold: once the fault is lifted the winner's next attempt succeeds.
    const runners = [1, 2, 3].map(() => runner({ timeoutMs: 1_000, retries: 20 }));
    await Promise.all(runners.map((p) => p.waitForLine(/^ready$/)));
    for (const p of runners) p.send("go");

    // The winner is stuck in its fetch, holding the lock, so the other two must have found it held.
    const outcomes = new Map<ScriptProcess, { kind: string; outcome?: string }>();
    await new Promise<void>((resolve, reject) => {
      for (const p of runners) {
        outcomeOf(p).then((o) => {
          outcomes.set(p, o);
          if (outcomes.size === 2) resolve();
        }, reject);
      }
    });
    assert.deepEqual(
      [...outcomes.values()].map((o) => o.kind),
      ["locked", "locked"],
    );
    assert.equal(await reader().isRunning(), true, "the winner still holds the lock");

    fixture.setFault(null);
    const winner = runners.find((p) => !outcomes.has(p)) ?? assert.fail("no winner");
    assert.deepEqual(await outcomeOf(winner), { pid: winner.pid, kind: "ran", outcome: "succeeded" });
    const exits = await Promise.all(runners.map((p) => p.exited));
    assert.ok(
      exits.every((e) => e.code === 0),
      JSON.stringify(exits),
    );

    assert.equal((await syncRuns()).length, 1, "one run recorded");
    assert.equal(await advisoryLocksHeld(handle.db), 0, "pg_locks shows no advisory lock left");
  });

  it("frees the lock of a runner killed with SIGKILL mid-run, and a later run succeeds", async () => {
    const mirror = await mirrorSnapshot(handle.db);
    fixture.setFault(HOLD_LAUNCHES);
    const victim = runner({ timeoutMs: 60_000, retries: 0 });
    await victim.waitForLine(/^ready$/);
    victim.send("go");
    await waitUntil("the runner holds the sync lock", () => reader().isRunning());

    victim.kill("SIGKILL");
    assert.equal((await victim.exited).signal, "SIGKILL");
    await waitUntil("the server dropped the dead runner's lock", async () => !(await reader().isRunning()));
    assert.equal(await advisoryLocksHeld(handle.db), 0);
    assert.deepEqual(await syncRuns(), [], "the killed run left no trace");
    assert.deepEqual(await mirrorSnapshot(handle.db), mirror, "and changed nothing");

    fixture.setFault(null);
    const sync = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url), log: silentLog });
    const outcome = await sync.syncSpacexLaunches({ trigger: "schedule" });
    assert.equal(outcome.kind === "ran" && outcome.run.outcome, "succeeded");
    assert.equal(await advisoryLocksHeld(handle.db), 0);
  });
});

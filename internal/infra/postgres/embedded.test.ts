import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import pg from "pg";
import { quietLog } from "../../testkit/logs.js";
import { spawnScript } from "../../testkit/processes.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { assertReachableByPostgres } from "./embedded-preflight.js";

const roots: string[] = [];
/** A fresh, world-traversable folder (mkdtemp alone gives 0700, which `postgres` cannot enter). */
function dataDir(): string {
  const root = mkdtempSync(path.join(tmpdir(), "spacet-embedded-"));
  chmodSync(root, 0o755);
  roots.push(root);
  return path.join(root, "data");
}
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function query<R extends pg.QueryResultRow>(dsn: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Bounded wait for something another process does (a postmaster shutting down). */
async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const postmasterPid = (dir: string) => Number(readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
const child = fileURLToPath(new URL("./testdata/embedded-child.ts", import.meta.url));

describe("startEmbeddedPostgres", () => {
  it("initialises a UTF8 cluster reachable only on 127.0.0.1 with its password, and keeps data across restarts", async () => {
    const dir = dataDir();
    const first = await startEmbeddedPostgres({ dataDir: dir });
    try {
      const [settings] = await query(
        first.dsn,
        `select current_setting('server_encoding') as encoding,
        current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets,
        current_setting('password_encryption') as hashing, length('é') as chars`,
      );
      assert.deepEqual(settings, { encoding: "UTF8", listen: "127.0.0.1", sockets: "", hashing: "scram-sha-256", chars: 1 });
      await query(first.dsn, "create table kept (v text); insert into kept values ('still here')");
      await assert.rejects(query(first.dsn.replace(/:[^:@/]+@/, ":wrong@"), "select 1"), /password authentication failed/);
    } finally {
      await first.stop();
    }
    assert.equal(existsSync(path.join(dir, "postmaster.pid")), false);

    const second = await startEmbeddedPostgres({ dataDir: dir });
    try {
      assert.deepEqual(await query(second.dsn, "select v from kept"), [{ v: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("stops a postmaster orphaned by a SIGKILLed owner, then starts on the same data dir", async () => {
    const dir = dataDir();
    const owner = spawnScript(child, { args: [dir, "hold"] });
    const { dsn: orphanDsn } = JSON.parse(await owner.waitForLine(/^\{/)) as { dsn: string };
    const orphan = postmasterPid(dir);
    owner.kill("SIGKILL");
    await owner.exited;
    assert.deepEqual(await query(orphanDsn, "select 1 as up"), [{ up: 1 }], "the orphan still serves");

    const server = await startEmbeddedPostgres({ dataDir: dir });
    try {
      assert.notEqual(postmasterPid(dir), orphan);
      assert.deepEqual(await query(server.dsn, "select 1 as up"), [{ up: 1 }]);
      await assert.rejects(query(orphanDsn, "select 1"), /ECONNREFUSED/);
    } finally {
      await server.stop();
    }
  });

  it("refuses a data dir whose server belongs to a live process", async () => {
    const dir = dataDir();
    const owner = spawnScript(child, { args: [dir, "hold"] });
    try {
      await owner.waitForLine(/^\{/);
      await assert.rejects(startEmbeddedPostgres({ dataDir: dir }), new RegExp(`already running on ${dir} for the live process ${owner.pid}`));
    } finally {
      owner.kill("SIGTERM");
      await owner.exited;
    }
  });

  it("stops the server when node exits without calling stop()", async () => {
    const dir = dataDir();
    const owner = spawnScript(child, { args: [dir, "exit"] });
    await owner.waitForLine(/^\{/);
    assert.deepEqual(await owner.exited, { code: 0, signal: null });
    await eventually(() => !existsSync(path.join(dir, "postmaster.pid")), "the postmaster removed its pid file");
  });

  it("leaves SIGTERM and the exit code to the application", async () => {
    const dir = dataDir();
    const app = spawnScript(child, { args: [dir, "drain"] });
    await app.waitForLine(/^waiting$/);
    app.kill("SIGTERM");
    assert.deepEqual(await app.exited, { code: 7, signal: null }, app.stderr());
    assert.match(app.stdout(), /^drained$/m);
    assert.equal(existsSync(path.join(dir, "postmaster.pid")), false);
  });
});

describe("assertReachableByPostgres", () => {
  const someoneElse = { uid: 54_321, gid: 54_321 };

  it("names every directory on the way that the postgres user cannot enter", () => {
    const root = path.dirname(dataDir());
    const closed = path.join(root, "closed");
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    assert.throws(() => assertReachableByPostgres(path.join(closed, "pg", "data"), someoneElse), new RegExp(`cannot enter ${closed} \\(mode 700\\)`));
  });

  it("accepts a path whose existing directories are all world-traversable", () => {
    const root = path.dirname(dataDir());
    assert.doesNotThrow(() => assertReachableByPostgres(path.join(root, "not", "yet", "created"), someoneElse));
  });
});

describe("the embedded server's log", () => {
  it("logs a failed statement without the row's values or the statement (its log reaches ours)", async () => {
    const lines: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir: dataDir(), log: { ...quietLog, debug: (_obj, line) => lines.push(line) } });
    try {
      await query(server.dsn, "create table people (name text check (name <> 'Zyxwvu'))");
      await assert.rejects(query(server.dsn, "insert into people values ('Zyxwvu')"), /violates check constraint/);
      await eventually(() => lines.some((l) => l.includes("people_name_check")), "the error is logged");
      assert.deepEqual(
        lines.filter((l) => l.includes("Zyxwvu")),
        [],
      );
    } finally {
      await server.stop();
    }
  });
});

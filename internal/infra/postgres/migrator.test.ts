import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Logger } from "../../app/ports.js";
import { quietLog } from "../../testkit/logs.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { spawnScript } from "../../testkit/processes.js";
import { AdvisoryLock } from "./locks.js";
import { readMigrationFiles } from "./migration-files.js";
import { migrate } from "./migrator.js";
import type { Database } from "./schema.js";

const dirs: string[] = [];
/** A folder holding exactly these migration files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "spacet-migrations-"));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<{ dsn: string; query: <R extends pg.QueryResultRow>(sql: string) => Promise<R[]> }> {
  const db = await createTestDatabase({ empty: true });
  databases.push(db);
  return {
    dsn: db.dsn,
    async query<R extends pg.QueryResultRow>(sql: string) {
      const c = new pg.Client({ connectionString: db.dsn });
      await c.connect();
      try {
        return (await c.query<R>(sql)).rows;
      } finally {
        await c.end();
      }
    },
  };
}
after(async () => Promise.all(databases.map((d) => d.drop())));

const advisoryLocksHeld = `select count(*)::int as n from pg_locks
  where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;

describe("migrate", () => {
  it("applies pending files in lexical order, once, and records their checksums", async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({
      "0002_add_rows.sql": "insert into seen (step) values ('0002');",
      "0001_create.sql": "create table seen (n serial primary key, step text not null);\ninsert into seen (step) values ('0001');",
      "README.md": "not a migration",
    });
    assert.deepEqual(await migrate({ dsn: db.dsn, dir }), { applied: ["0001_create", "0002_add_rows"] });
    assert.deepEqual(await migrate({ dsn: db.dsn, dir }), { applied: [] });

    writeFileSync(path.join(dir, "0003_more.sql"), "insert into seen (step) values ('0003');");
    assert.deepEqual(await migrate({ dsn: db.dsn, dir }), { applied: ["0003_more"] });
    const steps = await db.query<{ step: string }>("select step from seen order by n");
    assert.deepEqual(
      steps.map((r) => r.step),
      ["0001", "0002", "0003"],
    );
    const recorded = await db.query<{ version: string; checksum: string }>("select version, checksum from schema_migrations order by version");
    assert.deepEqual(
      recorded,
      readMigrationFiles(dir).map((f) => ({ version: f.version, checksum: f.checksum })),
    );
  });

  it("rolls a failing file back completely, keeps the files before it and names the file and line", async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({
      "0001_ok.sql": "create table a (id int);",
      "0002_broken.sql": "create table b (id int);\ninsert into a values (1);\nselect no_such_column from a;",
      "0003_never.sql": "create table c (id int);",
    });
    await assert.rejects(migrate({ dsn: db.dsn, dir }), /migration .*0002_broken\.sql failed at line 3: column "no_such_column" does not exist/);
    const tables = await db.query<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'public' order by 1");
    assert.deepEqual(
      tables.map((r) => r.t),
      ["a", "schema_migrations"],
    );
    assert.deepEqual(await db.query("select * from a"), []);
    assert.deepEqual(await db.query("select version from schema_migrations"), [{ version: "0001_ok" }]);
    assert.deepEqual(await db.query(advisoryLocksHeld), [{ n: 0 }]);
  });

  it("refuses to run when an applied file was edited, before applying anything new", async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({ "0001_create.sql": "create table a (id int);" });
    await migrate({ dsn: db.dsn, dir });
    writeFileSync(path.join(dir, "0001_create.sql"), "create table a (id bigint);");
    writeFileSync(path.join(dir, "0002_next.sql"), "create table b (id int);");
    await assert.rejects(migrate({ dsn: db.dsn, dir }), /already-applied migrations were modified: .*0001_create\.sql/);
    assert.deepEqual(await db.query("select version from schema_migrations"), [{ version: "0001_create" }]);
  });

  it("treats CRLF line endings as the same file", async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({ "0001_create.sql": "create table a (id int);\ncreate table b (id int);\n" });
    await migrate({ dsn: db.dsn, dir });
    writeFileSync(path.join(dir, "0001_create.sql"), "create table a (id int);\r\ncreate table b (id int);\r\n");
    assert.deepEqual(await migrate({ dsn: db.dsn, dir }), { applied: [] });
  });

  it("warns, without failing, about applied versions this build does not have", async () => {
    const db = await emptyDatabase();
    await migrate({ dsn: db.dsn, dir: migrationsDir({ "0001_a.sql": "select 1;", "0002_b.sql": "select 2;" }) });
    const warnings: object[] = [];
    const log: Logger = { ...quietLog, warn: (obj) => warnings.push(obj) };
    assert.deepEqual(await migrate({ dsn: db.dsn, dir: migrationsDir({ "0001_a.sql": "select 1;" }), log }), { applied: [] });
    assert.deepEqual(warnings, [{ versions: ["0002_b"] }]);
  });

  it("rejects misnamed files and two files with one number", async () => {
    const db = await emptyDatabase();
    await assert.rejects(
      migrate({ dsn: db.dsn, dir: migrationsDir({ "1_short.sql": "", "0002_ok.sql": "" }) }),
      /1_short\.sql is not named NNNN_description\.sql/,
    );
    await assert.rejects(
      migrate({ dsn: db.dsn, dir: migrationsDir({ "0002_a.sql": "", "0002_b.sql": "" }) }),
      /0002_a\.sql and 0002_b\.sql share the number 0002/,
    );
    assert.deepEqual(await db.query("select to_regclass('schema_migrations') is null as absent"), [{ absent: true }]);
  });

  it("gives up with a clear error when another instance holds the migration lock too long", async () => {
    const db = await emptyDatabase();
    const holder = new pg.Client({ connectionString: db.dsn });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [AdvisoryLock.migrations]);
      const started = Date.now();
      await assert.rejects(
        migrate({ dsn: db.dsn, dir: migrationsDir({ "0001_a.sql": "select 1;" }), lockWaitMs: 300 }),
        /timed out after 300 ms waiting for the migration lock/,
      );
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await holder.end();
    }
  });

  it("borrows one pooled connection and returns it without the lock or the lock timeout", async () => {
    const db = await emptyDatabase();
    const pool = new pg.Pool({ connectionString: db.dsn, max: 1 });
    pool.on("error", () => undefined);
    try {
      const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      assert.deepEqual(await migrate({ db: kysely, dir: migrationsDir({ "0001_a.sql": "create table a (id int);" }) }), { applied: ["0001_a"] });
      // max 1: this runs on the very connection the migrator used.
      assert.deepEqual((await pool.query(advisoryLocksHeld)).rows, [{ n: 0 }]);
      assert.deepEqual((await pool.query("show lock_timeout")).rows, [{ lock_timeout: "0" }]);
    } finally {
      await pool.end();
    }
  });

  it("applies the repository's migrations to an empty database", async () => {
    const db = await emptyDatabase();
    const { applied } = await migrate({ dsn: db.dsn });
    assert.deepEqual(
      applied,
      readMigrationFiles().map((f) => f.version),
    );
    assert.ok(applied.length > 0);
  });
});

describe("migrate from several processes at once", () => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  before(async () => {
    db = await emptyDatabase();
  });

  it("applies every file exactly once while five processes race, and leaves no lock behind", async () => {
    const dir = migrationsDir({
      "0001_create.sql": "create table hits (version text not null);\ninsert into hits values ('0001');",
      // Slow enough that the other processes are certainly queued on the lock meanwhile.
      "0002_slow.sql": "select pg_sleep(0.3);\ninsert into hits values ('0002');",
      "0003_not_idempotent.sql": "create table once (id int);\ninsert into hits values ('0003');",
    });
    const child = fileURLToPath(new URL("./testdata/migrate-on-go.ts", import.meta.url));
    const processes = Array.from({ length: 5 }, () => spawnScript(child, { args: [db.dsn, dir] }));
    await Promise.all(processes.map((p) => p.waitForLine(/^ready$/)));
    for (const p of processes) p.send("go");

    const exits = await Promise.all(processes.map((p) => p.exited));
    assert.deepEqual(
      exits,
      processes.map(() => ({ code: 0, signal: null })),
      processes.map((p) => p.stderr()).join("\n"),
    );
    const applied = await Promise.all(processes.map(async (p) => (JSON.parse(await p.waitForLine(/^\{/)) as { applied: string[] }).applied));
    assert.deepEqual(applied.flat().sort(), ["0001_create", "0002_slow", "0003_not_idempotent"]);
    assert.equal(applied.filter((a) => a.length > 0).length, 1, "one process applied everything, the others found nothing pending");
    assert.deepEqual(await db.query("select version from hits order by version"), [{ version: "0001" }, { version: "0002" }, { version: "0003" }]);
    assert.deepEqual(await db.query(advisoryLocksHeld), [{ n: 0 }]);
  });
});

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pg from "pg";
import { readMigrationFiles } from "../infra/postgres/migration-files.js";
import { createTestDatabase, type TestDatabase, withDatabase } from "./postgres.js";

const created: TestDatabase[] = [];
async function database(opts?: { empty?: boolean }): Promise<TestDatabase> {
  const db = await createTestDatabase(opts);
  created.push(db);
  return db;
}
after(async () => Promise.all(created.map((d) => d.drop())));

async function query<R extends pg.QueryResultRow>(dsn: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("createTestDatabase", () => {
  it("gives every caller its own copy of the migrated schema", async () => {
    const [a, b] = await Promise.all([database(), database()]);
    assert.notEqual(a.name, b.name);
    const versions = readMigrationFiles().map((f) => ({ version: f.version }));
    assert.deepEqual(await query(a.dsn, "select version from schema_migrations order by version"), versions);
    await query(a.dsn, "create table only_in_a (id int)");
    assert.deepEqual(await query(b.dsn, "select to_regclass('only_in_a') is null as absent"), [{ absent: true }]);
  });

  it("gives an empty database on request", async () => {
    const db = await database({ empty: true });
    assert.deepEqual(await query(db.dsn, "select count(*)::int as n from information_schema.tables where table_schema = 'public'"), [{ n: 0 }]);
  });

  it("drops the database even while a client is still connected", async () => {
    const db = await createTestDatabase({ empty: true });
    const straggler = new pg.Client({ connectionString: db.dsn });
    straggler.on("error", () => undefined); // it is terminated by the drop
    await straggler.connect();
    await db.drop();
    await assert.rejects(query(db.dsn, "select 1"), new RegExp(`database "${db.name}" does not exist`));
    await straggler.end().catch(() => undefined);
  });
});

describe("withDatabase", () => {
  it("swaps only the database of a connection string", () => {
    assert.equal(withDatabase("postgres://u:p%40ss@127.0.0.1:5433/postgres?sslmode=disable", "t_1"), "postgres://u:p%40ss@127.0.0.1:5433/t_1?sslmode=disable");
  });
});

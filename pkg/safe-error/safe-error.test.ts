import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../internal/testkit/postgres.js";
import { serializeErrorSafely } from "./safe-error.js";

let db: TestDatabase;
let client: pg.Client;
before(async () => {
  db = await createTestDatabase({ empty: true });
  client = new pg.Client({ connectionString: db.dsn });
  await client.connect();
  await client.query("create table people (email text unique, name text not null, birthday date, check (name <> 'Zyxwvu'))");
  await client.query("insert into people values ('ada@example.com', 'Ada', '1815-12-10')");
});
after(async () => {
  await client?.end();
  await db?.drop();
});

/** The error PostgreSQL answers `sql` with. */
const failure = (sql: string): Promise<Error> =>
  client.query(sql).then(
    () => assert.fail(`${sql} succeeded`),
    (e: Error) => e,
  );

describe("serializeErrorSafely", () => {
  it("keeps code, constraint, table and message of a PostgreSQL error, and none of the row's values", async () => {
    const cases = [
      await failure("insert into people values ('zyx@example.com', 'Zyxwvu', '1987-03-17')"), // check: "Failing row contains (…)"
      await failure("insert into people values ('ada@example.com', 'Qopqrs', '1987-03-17')"), // unique: "Key (email)=(…) already exists"
      await failure("insert into people values ('qop@example.com', null, '1987-03-17')"), // not null: "Failing row contains (…)"
    ];
    for (const e of cases) assert.ok("detail" in e && typeof e.detail === "string" && e.detail.length > 0, "PostgreSQL sent row data");
    for (const e of cases) {
      const out = serializeErrorSafely(e) as Record<string, unknown>;
      const text = JSON.stringify(out);
      for (const value of ["Zyxwvu", "Qopqrs", "1987-03-17", "ada@example.com", "zyx@example.com", "qop@example.com"]) {
        assert.ok(!text.includes(value), `${value} in ${text}`);
      }
      assert.equal(out.table, "people");
      assert.match(String(out.code), /^23/);
      assert.equal(out.message, e.message);
    }
    assert.equal((serializeErrorSafely(cases[0]) as { constraint: string }).constraint, "people_name_check");
  });

  it("scrubs causes and the errors of an AggregateError too", async () => {
    const pgError = await failure("insert into people values ('zyx@example.com', 'Zyxwvu', '1987-03-17')");
    const wrapped = new Error("booking failed", { cause: new AggregateError([pgError], "twice", { cause: pgError }) });
    const text = JSON.stringify(serializeErrorSafely(wrapped));
    assert.ok(!text.includes("Zyxwvu") && !text.includes("1987-03-17"), text);
    assert.match(text, /"code":"23514"/);
  });

  it("drops data fields of other errors and leaves everything else as pino has it", () => {
    const e = Object.assign(new Error("query failed"), { parameters: ["Zyxwvu"], detail: "Zyxwvu", statusCode: 502 });
    const out = serializeErrorSafely(e) as Record<string, unknown>;
    assert.deepEqual([out.type, out.message, out.statusCode, "parameters" in out, "detail" in out], ["Error", "query failed", 502, false, false]);
    assert.equal(serializeErrorSafely("plain text"), "plain text");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { type DatabaseHandle, openDatabase } from "./db.js";
import { createStatementCounter } from "./statement-counter.js";

let tdb: TestDatabase;
let handle: DatabaseHandle;
before(async () => {
  tdb = await createTestDatabase();
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 4 });
});
after(async () => {
  await handle.close();
  await tdb.drop();
});

describe("statement counter", () => {
  it("counts each call's statements apart while calls run at once through one instance", async () => {
    const counter = createStatementCounter();
    const db = handle.db.withPlugin(counter.plugin);
    const run = (n: number) => async () => {
      for (let i = 0; i < n; i++) await sql`select pg_sleep(0.01)`.execute(db);
      return n;
    };
    const [three, five] = await Promise.all([counter.count(run(3)), counter.count(run(5))]);
    assert.deepEqual(
      [three, five],
      [
        { value: 3, statements: 3 },
        { value: 5, statements: 5 },
      ],
    );
  });

  it("counts what a pinned connection sends, and an enclosing count sees the calls inside it", async () => {
    const counter = createStatementCounter();
    const db = handle.db.withPlugin(counter.plugin);
    const outer = await counter.count(async () => {
      await sql`select 1`.execute(db);
      const inner = await counter.count(() =>
        db.connection().execute(async (conn) => {
          await sql`begin`.execute(conn);
          await conn.selectFrom("launchpads").select("id").execute();
          await sql`commit`.execute(conn);
        }),
      );
      return inner.statements;
    });
    assert.deepEqual(outer, { value: 3, statements: 4 });
  });

  it("counts nothing outside a call, nor through an instance without the plugin", async () => {
    const counter = createStatementCounter();
    await sql`select 1`.execute(handle.db.withPlugin(counter.plugin));
    const { statements } = await counter.count(() => sql`select 1`.execute(handle.db));
    assert.equal(statements, 0);
  });
});

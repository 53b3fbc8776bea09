import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { DomainError } from "../../domain/errors.js";
import { advisoryLockWaiters } from "../../testkit/booking-writes-lock.js";
import { createTestDatabase, type TestDatabase, withAdmin } from "../../testkit/postgres.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { type DatabaseHandle, openDatabase } from "./db.js";
import type { Database } from "./schema.js";
import { createUnitOfWork } from "./unit-of-work.js";

let db: TestDatabase;
let handle: DatabaseHandle;

before(async () => {
  db = await createTestDatabase({ empty: true });
  await withAdmin(db.dsn, (c) => c.query("create table notes (text text primary key)"));
  handle = openDatabase({ dsn: db.dsn, poolMax: 1 });
});
after(async () => {
  await handle?.close();
  await db?.drop();
});

const notes = (k: Kysely<Database>) => ({
  async add(text: string) {
    await sql`insert into notes values (${text})`.execute(k);
  },
  async count() {
    return (await sql<{ n: number }>`select count(*)::int as n from notes`.execute(k)).rows[0].n;
  },
  async waitForLock(key: number) {
    await sql`select pg_advisory_xact_lock(${key})`.execute(k);
  },
});
const uow = () =>
  createUnitOfWork(
    handle.db,
    (k) => ({ notes: notes(k) }),
    () => ({ add: async () => undefined }),
  );
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );

/** Holds advisory lock `key` in a transaction of its own until `release`. */
async function holdLock(key: number) {
  const client = new pg.Client({ connectionString: db.dsn });
  await client.connect();
  await client.query("begin");
  await client.query("select pg_advisory_xact_lock($1)", [key]);
  return {
    release: async () => {
      await client.query("commit");
      await client.end();
    },
  };
}

/** Sessions of this test's database waiting for an advisory lock (other files' databases wait too). */
const lockWaiters = () => advisoryLockWaiters(db.dsn);

describe("the service's database driver", () => {
  it("never commits once the signal fired, even when no statement was running: the caller gets the signal's reason", async () => {
    const abort = new AbortController();
    const reason = new Error("the caller left");
    const err = await rejection(
      uow().run(
        async (tx) => {
          await tx.notes.add("written before the abort");
          abort.abort(reason);
        },
        { signal: abort.signal },
      ),
    );
    assert.equal(err, reason);
    assert.equal(await uow().read().notes.count(), 0, "rolled back");
  });

  it("cancels a statement waiting for a lock as soon as the signal fires, and the session never returns to the pool", async () => {
    const lock = await holdLock(41);
    try {
      const abort = new AbortController();
      const run = rejection(uow().run((tx) => tx.notes.waitForLock(41), { signal: abort.signal }));
      await waitUntil("the statement waits for the lock", async () => (await lockWaiters()) === 1);
      abort.abort(new Error("deadline"));
      assert.equal(((await run) as Error).message, "deadline");
      assert.equal(await lockWaiters(), 0, "the wait ended with the cancel, the lock is still held");
      await waitUntil("the cancelled session is closed", async () => handle.pool.totalCount === 0);
    } finally {
      await lock.release();
    }
    await uow().run((tx) => tx.notes.add("after"), {});
    assert.equal(await uow().read().notes.count(), 1, "the pool serves on with a new session");
  });

  it("stops waiting for a pool connection when the signal fires; the connection that frees up later serves the next caller", async () => {
    const lock = await holdLock(42);
    const busy = uow().run((tx) => tx.notes.waitForLock(42));
    await waitUntil("the pool's only connection waits for the lock", async () => (await lockWaiters()) === 1);
    const abort = new AbortController();
    const waiting = rejection(uow().read({ signal: abort.signal }).notes.count());
    abort.abort(new Error("gave up"));
    assert.equal(((await waiting) as Error).message, "gave up");
    await lock.release();
    await busy;
    assert.equal(await uow().read().notes.count(), 1);
  });

  it("turns database faults into the domain's UNAVAILABLE with a retry hint, and leaves a statement's own errors alone", async () => {
    const readOnly = openDatabase({ dsn: `${db.dsn}?options=-c%20default_transaction_read_only%3Don`, poolMax: 1 });
    const refused = openDatabase({ dsn: "postgres://postgres@127.0.0.1:9/nowhere", poolMax: 1 });
    try {
      const onReadOnly = await rejection(sql`insert into notes values ('x')`.execute(readOnly.db));
      assert.ok(onReadOnly instanceof DomainError);
      assert.deepEqual([onReadOnly.kind, onReadOnly.reason, onReadOnly.retryAfterMs], ["unavailable", "DATABASE_READ_ONLY", 1_000]);
      const noServer = await rejection(sql`select 1`.execute(refused.db));
      assert.ok(noServer instanceof DomainError);
      assert.deepEqual([noServer.kind, noServer.reason], ["unavailable", "DATABASE_UNAVAILABLE"]);
      const duplicate = await rejection(sql`insert into notes values ('after')`.execute(handle.db));
      assert.equal((duplicate as { code?: string }).code, "23505", "a unique violation stays the driver's error");
    } finally {
      await readOnly.close();
      await refused.close();
    }
  });
});

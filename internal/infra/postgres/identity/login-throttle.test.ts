import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";
import { createLoginThrottle } from "./login-throttle.js";

const WINDOW_MS = 60_000;
const db = useDatabaseHandle({ poolMax: 5 });

const throttle = () => createLoginThrottle(db.handle.db);
const attempts = async (key: string) =>
  (await db.handle.pool.query<{ attempts: number }>("select attempts from login_throttle where key = $1", [key])).rows[0]?.attempts;
/** Moves a key's window into the past, as if its time had run out (the throttle reads the database clock). */
const age = (key: string, ms: number) =>
  db.handle.pool.query("update login_throttle set window_start = window_start - make_interval(secs => $2) where key = $1", [key, ms / 1000]);

describe("Postgres login throttle", () => {
  it("allows `limit` attempts per key in a window, then refuses with the time left", async () => {
    const keys = [{ key: "username:a", limit: 2 }];
    assert.deepEqual(await throttle().reserve(keys, WINDOW_MS), { allowed: true });
    assert.deepEqual(await throttle().reserve(keys, WINDOW_MS), { allowed: true });
    const refused = await throttle().reserve(keys, WINDOW_MS);
    assert.ok(!refused.allowed && refused.retryAfterMs > 55_000 && refused.retryAfterMs <= WINDOW_MS, JSON.stringify(refused));
  });

  it("refuses when any one key is over its limit, with that key's wait, counting nothing", async () => {
    const address = { key: "address:192.0.2.1", limit: 1 };
    await throttle().reserve([address], WINDOW_MS);
    await age(address.key, 30_000);
    const refused = await throttle().reserve([{ key: "username:fresh", limit: 5 }, address], WINDOW_MS);
    assert.ok(!refused.allowed && refused.retryAfterMs > 25_000 && refused.retryAfterMs <= 30_000, JSON.stringify(refused));
    assert.deepEqual([await attempts("username:fresh"), await attempts(address.key)], [0, 1]);
  });

  it("starts a new window once the old one ran out", async () => {
    const keys = [{ key: "username:b", limit: 1 }];
    await throttle().reserve(keys, WINDOW_MS);
    assert.equal((await throttle().reserve(keys, WINDOW_MS)).allowed, false);
    await age("username:b", WINDOW_MS + 1_000);
    assert.deepEqual(await throttle().reserve(keys, WINDOW_MS), { allowed: true });
    assert.equal(await attempts("username:b"), 1);
  });

  it("gives back a refunded attempt, never below zero", async () => {
    const keys = [{ key: "username:c", limit: 3 }];
    await throttle().reserve(keys, WINDOW_MS);
    await throttle().refund(keys);
    await throttle().refund(keys);
    assert.equal(await attempts("username:c"), 0);
  });

  it("prunes expired windows of other keys a batch at a time, never live ones", async () => {
    await db.handle.pool.query(
      "insert into login_throttle (key, window_start, attempts) select 'username:old' || i, now() - interval '2 hours', 1 from generate_series(1, 30) i",
    );
    await db.handle.pool.query("insert into login_throttle (key, window_start, attempts) values ('username:live', now(), 1)");
    const old = async () =>
      (await db.handle.pool.query<{ n: number }>("select count(*)::int as n from login_throttle where key like 'username:old%'")).rows[0].n;
    await throttle().reserve([{ key: "username:d", limit: 5 }], WINDOW_MS);
    assert.equal(await old(), 10);
    await throttle().reserve([{ key: "username:d", limit: 5 }], WINDOW_MS);
    assert.equal(await old(), 0);
    assert.equal(await attempts("username:live"), 1);
  });

  it("lets exactly `limit` of 50 racing attempts on two shared keys through, without deadlocks, and keeps no count of the refused", async () => {
    const keys = [
      { key: "username:e", limit: 5 },
      { key: "address:198.51.100.9", limit: 50 },
    ];
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => throttle().reserve(i % 2 ? keys : [...keys].reverse(), WINDOW_MS)));
    assert.equal(verdicts.filter((v) => v.allowed).length, 5);
    assert.deepEqual([await attempts("username:e"), await attempts("address:198.51.100.9")], [5, 5]);
  });
});

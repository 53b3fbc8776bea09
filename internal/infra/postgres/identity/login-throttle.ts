import { type Kysely, sql } from "kysely";
import type { LoginThrottle, ThrottleKey } from "../../../app/identity/ports.js";
import type { Database } from "../schema.js";

/** Expired rows removed by each attempt: enough to keep up with any rate of new keys. */
const PRUNE_BATCH = 20;

/**
 * The login throttle in Postgres (table `login_throttle`), so the limit holds across replicas.
 * Windows are measured with the database clock: replicas whose clocks disagree still share
 * one window per key.
 */
export function createLoginThrottle(db: Kysely<Database>): LoginThrottle {
  const refund = async (keys: readonly ThrottleKey[]) => {
    const names = keys.map((k) => k.key).sort();
    // Same key order as reserve. A row whose window restarted in between loses one attempt it
    // did not count: never below zero (CHECK), and only in favour of a caller that just logged
    // in or was refused without a password check.
    await sql`update login_throttle set attempts = attempts - 1 where key = any(${names}::text[]) and attempts > 0`.execute(db);
  };
  return {
    refund,
    async reserve(keys, windowMs) {
      const names = keys.map((k) => k.key).sort();
      const window = sql`make_interval(secs => ${windowMs / 1000})`;
      // One statement per attempt, whatever the number of keys:
      // - The upsert counts the attempt on every key. Its row lock orders racing attempts on a
      //   key, and under READ COMMITTED each sees the count its predecessor committed, so N
      //   racing attempts get N distinct counts and only `limit` of them are allowed. Keys go
      //   in sorted order, so two attempts sharing two keys lock them in the same order and
      //   never deadlock.
      // - A window that has run out starts again at this attempt with a count of 1.
      // - The CTE prunes a few expired rows of OTHER keys (a statement must not touch one row
      //   twice); SKIP LOCKED leaves rows that a concurrent attempt is using.
      const { rows } = await sql<{ key: string; attempts: number; retry_after_ms: number }>`
          with pruned as (
            delete from login_throttle where key in (
              select key from login_throttle
               where window_start < now() - ${window} and key <> all(${names}::text[])
               order by window_start limit ${PRUNE_BATCH}
               for update skip locked)
          )
          insert into login_throttle as t (key, window_start, attempts)
          select k, now(), 1 from unnest(${names}::text[]) as k order by k
          on conflict (key) do update set
            window_start = case when t.window_start > now() - ${window} then t.window_start else now() end,
            attempts     = case when t.window_start > now() - ${window} then t.attempts + 1 else 1 end
          returning key, attempts,
                    ceil(extract(epoch from (window_start + ${window} - now())) * 1000)::float8 as retry_after_ms`.execute(db);
      const limits = new Map(keys.map((k) => [k.key, k.limit]));
      const over = rows.filter((r) => r.attempts > (limits.get(r.key) ?? Number.POSITIVE_INFINITY));
      if (over.length === 0) return { allowed: true };
      // A refused attempt checks no password, so it is not a failure: give its count back, or
      // a blocked username's retries would use up the budget of everyone behind its address.
      // Racing attempts still cannot slip through: a count only drops below the limit through
      // a refund, and every refused racer saw the limit reached before refunding.
      await refund(keys);
      return { allowed: false, retryAfterMs: Math.max(...over.map((r) => Math.max(0, r.retry_after_ms))) };
    },
  };
}

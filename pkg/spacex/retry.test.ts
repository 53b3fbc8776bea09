import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRetryAfter, type RetryInfo, type RetryPolicy, sleep, withRetry } from "./retry.js";

const policy: RetryPolicy = { retries: 3, baseDelayMs: 2, maxDelayMs: 50 };
const transient = () => ({ retryable: true });

function failingTimes(failures: number, error: unknown = new Error("boom")) {
  let calls = 0;
  return {
    fn: async (attempt: number) => {
      calls++;
      assert.equal(attempt, calls);
      if (calls <= failures) throw error;
      return `ok after ${calls}`;
    },
    calls: () => calls,
  };
}

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates, and ignores junk", () => {
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter(" 0 ", now), 0);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now), 7000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0, "a date in the past means now");
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter("-1", now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe("withRetry", () => {
  it("retries transient failures and reports each wait", async () => {
    const target = failingTimes(2);
    const seen: RetryInfo[] = [];
    const result = await withRetry(target.fn, { policy, classify: transient, onRetry: (i) => seen.push(i), random: () => 0 });
    assert.equal(result, "ok after 3");
    assert.deepEqual(
      seen.map(({ attempt, delayMs }) => ({ attempt, delayMs })),
      [
        { attempt: 1, delayMs: 1 },
        { attempt: 2, delayMs: 2 },
      ],
    );
  });

  it("gives up after `retries` extra attempts with the last error", async () => {
    const error = new Error("still down");
    const target = failingTimes(10, error);
    await assert.rejects(withRetry(target.fn, { policy, classify: transient }), (e) => e === error);
    assert.equal(target.calls(), 4);
  });

  it("never retries what classify refuses", async () => {
    const target = failingTimes(1);
    await assert.rejects(withRetry(target.fn, { policy, classify: () => ({ retryable: false }) }), /boom/);
    assert.equal(target.calls(), 1);
  });

  it("waits at least as long as Retry-After asks", async () => {
    const target = failingTimes(1);
    const seen: RetryInfo[] = [];
    await withRetry(target.fn, { policy, classify: () => ({ retryable: true, retryAfterMs: 30 }), onRetry: (i) => seen.push(i) });
    assert.equal(seen[0]?.delayMs, 30);
  });

  it("stops when Retry-After is longer than maxDelayMs", async () => {
    const target = failingTimes(1);
    await assert.rejects(withRetry(target.fn, { policy, classify: () => ({ retryable: true, retryAfterMs: 51 }) }), /boom/);
    assert.equal(target.calls(), 1);
  });

  it("ends a wait as soon as the caller aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const target = failingTimes(5);
    const slow: RetryPolicy = { retries: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const started = Date.now();
    const run = withRetry(target.fn, { policy: slow, classify: transient, signal: controller.signal, onRetry: () => controller.abort(reason) });
    await assert.rejects(run, (e) => e === reason);
    assert.ok(Date.now() - started < 1000);
    assert.equal(target.calls(), 1);
  });
});

describe("sleep", () => {
  it("rejects at once on an already aborted signal", async () => {
    await assert.rejects(sleep(60_000, AbortSignal.abort(new Error("gone"))), /gone/);
  });
});

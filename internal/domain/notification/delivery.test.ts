import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideAttempt } from "./delivery.js";

const policy = { delaysMs: [5_000, 300_000], jitter: 0.2 };
const mid = () => 0.5;

describe("decideAttempt", () => {
  it("succeeds on any 2xx", () => {
    for (const statusCode of [200, 201, 204, 299]) assert.deepEqual(decideAttempt({ kind: "response", statusCode }, 1, policy), { status: "succeeded" });
  });

  it("fails and disables the endpoint on 410 Gone", () => {
    const outcome = decideAttempt({ kind: "response", statusCode: 410 }, 1, policy);
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.status === "failed" && outcome.disableEndpoint, true);
  });

  it("retries a redirect, a 500 and a timeout on the schedule, then fails", () => {
    for (const result of [
      { kind: "response", statusCode: 301 },
      { kind: "response", statusCode: 500 },
      { kind: "error", error: "timeout" },
    ] as const) {
      assert.deepEqual(decideAttempt(result, 1, policy, mid).status, "pending");
      assert.equal(decideAttempt(result, 3, policy, mid).status, "failed");
    }
    assert.deepEqual(decideAttempt({ kind: "response", statusCode: 301 }, 2, policy, mid), {
      status: "pending",
      retryInMs: 300_000,
      error: "redirect (HTTP 301) not followed",
    });
  });

  it("spreads each delay by the jitter", () => {
    const low = decideAttempt({ kind: "response", statusCode: 500 }, 1, policy, () => 0);
    const high = decideAttempt({ kind: "response", statusCode: 500 }, 1, policy, () => 1);
    assert.deepEqual([low.status === "pending" && low.retryInMs, high.status === "pending" && high.retryInMs], [4_000, 6_000]);
  });

  it("honours a longer Retry-After, capped at the longest scheduled delay", () => {
    const later = decideAttempt({ kind: "response", statusCode: 429, retryAfterMs: 60_000 }, 1, policy, mid);
    assert.equal(later.status === "pending" && later.retryInMs, 60_000);
    const capped = decideAttempt({ kind: "response", statusCode: 503, retryAfterMs: 10 ** 9 }, 1, policy, mid);
    assert.equal(capped.status === "pending" && capped.retryInMs, 300_000);
  });

  it("fails a refused address at once", () => {
    assert.equal(decideAttempt({ kind: "error", error: "blocked address", blocked: true }, 1, policy).status, "failed");
  });
});

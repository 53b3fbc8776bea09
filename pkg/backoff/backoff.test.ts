import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "./backoff.js";

const policy = { firstMs: 100, maxMs: 1_000 };

describe("backoffDelay", () => {
  const cases: Array<[attempts: number, random: number, expected: number]> = [
    [1, 0, 50], // lower half of 100 ms
    [1, 1, 100],
    [2, 0.5, 150], // 200 ms · (½ + ½·½)
    [3, 1, 400],
    [4, 1, 800],
    [5, 1, 1_000], // capped
    [5, 0, 500], // the jitter never drops below half the cap
    [0, 1, 100], // no failure yet counts as the first
    [10_000, 1, 1_000], // no overflow however long it has failed
  ];
  for (const [attempts, random, expected] of cases) {
    it(`waits ${expected} ms after failure ${attempts} when the jitter draws ${random}`, () => {
      assert.equal(
        backoffDelay(attempts, policy, () => random),
        expected,
      );
    });
  }

  it("doubles the ceiling per attempt and keeps half of it fixed", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0)),
      [50, 100, 200, 400, 500],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999)),
      [100, 200, 400, 800, 1000],
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readTapSummary } from "./tap-summary.js";

describe("readTapSummary", () => {
  it("reads the closing counts of a TAP run", () => {
    const tap =
      "TAP version 13\n# Subtest: a\nok 1 - a\n1..1\n# tests 5\n# suites 1\n# pass 3\n# fail 1\n# cancelled 1\n# skipped 0\n# todo 0\n# duration_ms 12.5\n";
    assert.deepEqual(readTapSummary(tap), { tests: 5, pass: 3, fail: 1, cancelled: 1, skipped: 0, todo: 0 });
  });

  it("uses the last summary when a test printed lookalike lines earlier", () => {
    const tap = "# tests 9\n# pass 9\n# fail 0\nok 1 - x\n# tests 2\n# pass 1\n# fail 1\n";
    assert.deepEqual(readTapSummary(tap), { tests: 2, pass: 1, fail: 1, cancelled: 0, skipped: 0, todo: 0 });
  });

  it("returns undefined when the run ended before its summary", () => {
    assert.equal(readTapSummary("TAP version 13\n# Subtest: a\n"), undefined);
  });
});

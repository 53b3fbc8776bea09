import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BLOCKING_PRECISIONS, isSyncDue, syncErrorText, syncSlackMs } from "./sync.js";

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.UTC(2049, 0, 1) + ms);

describe("isSyncDue (sync if necessary)", () => {
  it("is due when nothing succeeded yet", () => {
    assert.equal(isSyncDue(undefined, at(0), HOUR), true);
  });

  it("runs on a tick exactly one interval after the last success, and on one a hair early", () => {
    assert.equal(isSyncDue(at(0), at(HOUR), HOUR), true);
    // The success is stamped a few ms after its tick, so the next tick comes a few ms short of an interval.
    assert.equal(isSyncDue(at(15), at(HOUR), HOUR), true);
  });

  it("skips a tick well inside the interval, such as another replica's", () => {
    assert.equal(isSyncDue(at(0), at(HOUR / 2), HOUR), false);
    assert.equal(isSyncDue(at(0), at(HOUR - syncSlackMs(HOUR) - 1), HOUR), false);
    assert.equal(isSyncDue(at(0), at(HOUR - syncSlackMs(HOUR)), HOUR), true);
  });

  it("keeps the slack at 5% of the interval and never above a minute", () => {
    assert.equal(syncSlackMs(10_000), 500);
    assert.equal(syncSlackMs(HOUR), 60_000);
    assert.equal(syncSlackMs(30 * 24 * HOUR), 60_000);
  });
});

describe("BLOCKING_PRECISIONS", () => {
  it("lists exactly the precisions that block a pad-local day (rule 5)", () => {
    assert.deepEqual([...BLOCKING_PRECISIONS].sort(), ["day", "hour"]);
  });
});

describe("syncErrorText", () => {
  it("gives one bounded line with the error's name", () => {
    assert.equal(syncErrorText(new TypeError("bad\n  thing")), "TypeError: bad thing");
    assert.equal(syncErrorText("plain"), "plain");
    assert.equal(syncErrorText(new Error("x".repeat(2000))).length, 1000);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDatabaseUnavailable, isPgError } from "./pg-errors.js";

describe("pg errors", () => {
  it("tells a lost database from a wrong statement", () => {
    const unavailable = [
      { code: "57P01", message: "terminating connection due to administrator command" },
      { code: "08006", message: "connection failure" },
      { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
    ];
    const other = [{ code: "23505", message: "duplicate key" }, { code: "42P01", message: "relation does not exist" }, new Error("boom"), "text", null];
    for (const e of unavailable) assert.equal(isDatabaseUnavailable(e), true, JSON.stringify(e) ?? String(e));
    for (const e of other) assert.equal(isDatabaseUnavailable(e), false, JSON.stringify(e) ?? String(e));
  });

  it("narrows by SQLSTATE", () => {
    assert.equal(isPgError({ code: "23505", constraint: "x" }, "23505"), true);
    assert.equal(isPgError({ code: "23505" }, "40001"), false);
    assert.equal(isPgError(new Error("no code")), false);
  });
});

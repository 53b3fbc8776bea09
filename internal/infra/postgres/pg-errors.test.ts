import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import { databaseFault, isDatabaseUnavailable, isPgError } from "./pg-errors.js";

describe("pg errors", () => {
  it("tells a lost database from a wrong statement", () => {
    const unavailable = [
      { code: "57P01", message: "terminating connection due to administrator command" },
      { code: "08006", message: "connection failure" },
      { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
    ];
    const other = [{ code: "23505", message: "duplicate key" }, { code: "42P01", message: "relation does not exist" }, new Error("boom"), "text", null];
    for (const e of unavailable) assert.equal(isDatabaseUnavailable(e), true, JSON.stringify(e) ?? String(e));
    for (const e of other) assert.equal(isDatabaseUnavailable(e), false, JSON.stringify(e) ?? String(e));
  });

  it("classifies the database's own faults as unavailable with a retry hint, and leaves the statement's errors alone", () => {
    const faults: [unknown, "connecting" | "querying", string][] = [
      [{ code: "53300", message: "too many connections for role" }, "querying", "DATABASE_BUSY"],
      [{ code: "53300", message: "sorry, too many clients already" }, "connecting", "DATABASE_UNAVAILABLE"],
      [{ code: "55000", message: 'database "x" is not currently accepting connections' }, "connecting", "DATABASE_UNAVAILABLE"],
      [{ code: "25006", message: "cannot execute INSERT in a read-only transaction" }, "querying", "DATABASE_READ_ONLY"],
      [{ code: "57014", message: "canceling statement due to statement timeout" }, "querying", "DATABASE_TIMEOUT"],
      [{ code: "57P03", message: "the database system is starting up" }, "querying", "DATABASE_UNAVAILABLE"],
      [new Error("Connection terminated unexpectedly"), "querying", "DATABASE_UNAVAILABLE"],
    ];
    for (const [e, phase, reason] of faults) {
      const fault = databaseFault(e, phase);
      assert.ok(fault instanceof DomainError, JSON.stringify(e));
      assert.deepEqual([fault.kind, fault.reason, fault.retryAfterMs, fault.cause], ["unavailable", reason, 1_000, e]);
    }
    for (const e of [{ code: "23505" }, { code: "40001" }, { code: "55P03" }, { code: "55000" }, new Error("boom")]) {
      assert.equal(databaseFault(e, "querying"), undefined, JSON.stringify(e));
    }
  });

  it("narrows by SQLSTATE", () => {
    assert.equal(isPgError({ code: "23505", constraint: "x" }, "23505"), true);
    assert.equal(isPgError({ code: "23505" }, "40001"), false);
    assert.equal(isPgError(new Error("no code")), false);
  });
});

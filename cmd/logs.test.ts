import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withAdmin } from "../internal/testkit/postgres.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const sut = useServiceProcess();

describe("logs of unexpected database errors", () => {
  it("carry the error's code, constraint and table, and no passenger's name or birthday", async () => {
    // A rule the service does not know about: PostgreSQL rejects the row with
    // "Failing row contains (…, Zyxwvu, Qopqrs, …, 1987-03-17, …)" in the error's detail.
    await withAdmin(sut.db.dsn, (c) => c.query("alter table bookings add constraint test_refuses_zyxwvu check (first_name <> 'Zyxwvu')"));
    const res = await fetch(`${sut.service.httpUrl}/v1/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        firstName: "Zyxwvu",
        lastName: "Qopqrs",
        gender: "other",
        birthday: "1987-03-17",
        launchpadId: PADS.cape,
        destination: "moon",
        launchDate: "2049-05-03",
      }),
    });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { code: 13, message: "internal error", details: [] });

    const logs = () => sut.service.process.stdout() + sut.service.process.stderr();
    const line = await sut.service.process.waitForLine(/"msg":"unhandled rpc error"/);
    const err = (JSON.parse(line) as { err: Record<string, unknown> }).err;
    assert.deepEqual([err.code, err.constraint, err.table], ["23514", "test_refuses_zyxwvu", "bookings"], line);
    for (const personal of ["Zyxwvu", "Qopqrs", "1987-03-17"]) {
      const leaks = logs()
        .split("\n")
        .filter((l) => l.includes(personal));
      assert.deepEqual(leaks, [], `${personal} is in the logs`);
    }
  });
});

describe("logs of a start without SpaceX (offline, or SpaceX down)", () => {
  it("say one short warning per failed sync run, with its cause and the next attempt, and no stack", async () => {
    // The test server's SPACEX_API_URL is a closed port: both start-up runs fail.
    const lines = async () =>
      sut.service.process
        .stdout()
        .split("\n")
        .filter((l) => l.includes('"component":"spacex-sync"'));
    await sut.service.process.waitForLine(/"msg":"spacex sync failed".*"job":"spacex_launches"|"job":"spacex_launches".*"msg":"spacex sync failed"/);
    const spacex = await lines();
    assert.equal(spacex.length, 2, spacex.map((l) => l.slice(0, 200)).join("\n"));
    for (const line of spacex) {
      const entry = JSON.parse(line) as { level: number; msg: string; error: string; nextAttemptAt: string; err?: unknown };
      assert.deepEqual([entry.level, entry.msg], [40, "spacex sync failed"]);
      assert.match(entry.error, /^SpacexApiError: request to http:\/\/127\.0\.0\.1:9\/v4\/\S+ failed/);
      assert.ok(Date.parse(entry.nextAttemptAt) > Date.now(), "the next attempt is announced");
      assert.equal(entry.err, undefined, "no stack");
      assert.ok(line.length < 600, `${line.length} characters`);
    }
    assert.equal(sut.service.process.stderr(), "");
  });
});

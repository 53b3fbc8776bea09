import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pg from "pg";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const sut = useServiceProcess();
after(() => {
  assert.equal(sut.exitCode, 0);
});

const book = (launchDate: string) =>
  fetch(`${sut.service.httpUrl}/v1/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      firstName: "Ada",
      lastName: "Lovelace",
      gender: "female",
      birthday: "1990-12-10",
      launchpadId: PADS.kennedy,
      destination: "moon",
      launchDate,
    }),
  });

/** Ends every session of the service on its database, as a database restart or failover would. */
async function terminateServiceSessions(): Promise<number> {
  const admin = new pg.Client({ connectionString: sut.db.dsn });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

describe("the database drops every connection", () => {
  it("answers UNAVAILABLE (never INTERNAL) while it reconnects, then serves again without a restart", async () => {
    assert.equal((await book("2049-12-01")).status, 200);
    let exited = false;
    void sut.service.process.exited.then(() => (exited = true));
    assert.ok((await terminateServiceSessions()) > 0, "the service had sessions to lose");

    const statuses: number[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) {
      const res = await book("2049-12-01");
      statuses.push(res.status);
      if (res.status !== 200) assert.equal(((await res.json()) as { code: number }).code, 14, "UNAVAILABLE");
    }
    assert.ok(
      statuses.every((s) => s === 200 || s === 503),
      `statuses: ${statuses}`,
    );
    assert.equal(statuses.at(-1), 200, "the pool reconnected");
    assert.equal((await fetch(`${sut.service.httpUrl}/readiness`)).status, 200);
    assert.equal(exited, false, "the process survived");
    assert.doesNotMatch(sut.service.process.stderr(), /uncaught|unhandled/i);
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { bookingRequest } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { REPO_ROOT } from "../internal/testkit/processes.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";
import { OPENAPI_DOCUMENT_URL } from "./wiring/openapi-route.js";

const run = promisify(execFile);

/**
 * What the image runs: `npm run build`, then `MALLOC_ARENA_MAX=2 node --max-semi-space-size=8
 * --no-maglev dist/cmd/server.js` (the Dockerfile's ENV and CMD, and `npm start`) with no
 * TypeScript loader. The build must carry what the code reads at run time beside it (the
 * migrations, the OpenAPI document).
 */
describe("the compiled server (dist/)", () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  before(async () => {
    await run("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT });
    db = await createTestDatabase({ empty: true });
    service = await startServiceProcess({
      dsn: db.dsn,
      env: { MALLOC_ARENA_MAX: "2" },
      script: "dist/cmd/server.js",
      nodeArgs: ["--max-semi-space-size=8", "--no-maglev"],
    });
  });
  after(async () => {
    await service?.stop();
    await db?.drop();
  });

  it("migrates an empty database, books and serves /openapi.json", async () => {
    const res = await fetch(`${service.httpUrl}/v1/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(bookingRequest({ launchDate: "2049-05-01" })),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { booking: { status: string } }).booking.status, "BOOKING_STATUS_CONFIRMED");
    const doc = await fetch(`${service.httpUrl}/openapi.json`);
    assert.equal(await doc.text(), readFileSync(OPENAPI_DOCUMENT_URL, "utf8"));
  });

  it("maps the native Argon2 library only once a password is hashed, not at start", async () => {
    // Idle memory: most replicas never hash a password, and the library is ~3 MB resident.
    const argon2Mapped = () => readFileSync(`/proc/${service.process.pid}/maps`, "utf8").includes("argon2");
    assert.equal(argon2Mapped(), false, "mapped before any login or registration");
    const res = await fetch(`${service.httpUrl}/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "lazyload", email: "lazyload@example.com", password: "a long enough passphrase" }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(argon2Mapped(), true, "mapped once a password was hashed");
  });

  it("exits 0 on SIGTERM", async () => {
    assert.equal(await service.stop(), 0);
  });
});

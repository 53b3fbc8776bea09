import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../pkg/free-port.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { startServiceProcess } from "./service-process.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

describe("startServiceProcess", () => {
  it("starts again on other ports when another process took the ones it picked", async () => {
    // Holds the port and drops whatever connects (the readiness polls of the first attempt).
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as { port: number }).port;
    let picks = 0;
    try {
      const service = await startServiceProcess({ dsn: db.dsn, pickPort: async () => (++picks === 1 ? taken : freePort()) });
      try {
        assert.equal(picks, 4, "two ports for the attempt that found HTTP_PORT busy, two for the next");
        assert.notEqual(new URL(service.httpUrl).port, String(taken));
        assert.equal((await fetch(`${service.httpUrl}/readiness`)).status, 200);
      } finally {
        assert.equal(await service.stop(), 0);
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

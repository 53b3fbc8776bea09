import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { freePort } from "../pkg/free-port.js";
import { TEST_JWT_SECRET } from "../internal/testkit/auth.js";
import { TEST_PAGE_TOKEN_SECRET } from "../internal/testkit/page-tokens.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { spawnScript } from "../internal/testkit/processes.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

/** Runs `cmd/server.ts` with `env` until it exits; everything it printed, and its exit code. */
async function serverRun(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const proc = spawnScript("cmd/server.ts", {
    env: {
      PG_DSN: db.dsn,
      JWT_SECRET: TEST_JWT_SECRET,
      PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
      SPACEX_API_URL: "http://127.0.0.1:9/v4",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  const { code } = await proc.exited;
  return { code, output: proc.stdout() + proc.stderr() };
}

/** A port something else listens on. */
async function busyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const lines = (output: string) => output.split("\n").filter((l) => l.trim() !== "");

describe("starting the server", () => {
  for (const setting of ["HTTP_PORT", "GRPC_PORT"]) {
    it(`with a busy ${setting} says so in one line and exits 1`, async () => {
      const busy = await busyPort();
      try {
        const other = setting === "HTTP_PORT" ? "GRPC_PORT" : "HTTP_PORT";
        const { code, output } = await serverRun({ [setting]: String(busy.port), [other]: String(await freePort()) });
        assert.equal(code, 1, output);
        assert.equal(lines(output).length, 1, output);
        assert.match(output, new RegExp(`${setting} ${busy.port} is already in use`));
        assert.doesNotMatch(output, /EADDRINUSE|\s+at /);
      } finally {
        await busy.close();
      }
    });
  }

  it("in LOG_FORMAT=pretty prints that line for humans", async () => {
    const busy = await busyPort();
    try {
      const { code, output } = await serverRun({ HTTP_PORT: String(busy.port), GRPC_PORT: String(await freePort()), LOG_FORMAT: "pretty" });
      assert.equal(code, 1);
      assert.deepEqual(lines(output).length, 1, output);
      assert.match(output, new RegExp(`^\\[[\\d:.]+\\] FATAL: HTTP_PORT ${busy.port} is already in use`));
    } finally {
      await busy.close();
    }
  });

  it("with PG_DSN and no PAGE_TOKEN_SECRET refuses to start, naming it with the other problems", async () => {
    const { code, output } = await serverRun({ PAGE_TOKEN_SECRET: "", HTTP_PORT: "http" });
    assert.equal(code, 2, output);
    assert.match(output, /PAGE_TOKEN_SECRET is required when PG_DSN is set/);
    assert.match(output, /HTTP_PORT must be an integer/);
  });
});

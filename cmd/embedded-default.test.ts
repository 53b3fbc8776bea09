import assert from "node:assert/strict";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../pkg/free-port.js";
import { type ScriptProcess, spawnScript } from "../internal/testkit/processes.js";

// `npm start` in a terminal: the embedded default without any setting, in a process group of its
// own (the embedded PostgreSQL inside it); Ctrl-C sends SIGINT to the whole group, so PostgreSQL
// stops at once while the service drains, and npm forwards its own copy of the SIGINT to the
// server (it execs node), so the server gets the one Ctrl-C twice.
let dataDir: string;
let service: ScriptProcess;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "spacet-ctrl-c-"));
  await chmod(dataDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  service = spawnScript("cmd/server.ts", {
    detached: true,
    env: {
      PG_DSN: "",
      PAGE_TOKEN_SECRET: "",
      PG_DATA_DIR: join(dataDir, "pg"),
      HTTP_PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      SPACEX_API_URL: "http://127.0.0.1:9/v4",
      PUBSUB_ENABLED: "false",
      LOG_LEVEL: "info",
    },
  });
  await service.waitForLine(/"msg":"ready"/, 60_000);
});
after(async () => {
  service?.killGroup("SIGKILL"); // only if the test failed before the process exited
  await service?.exited;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("npm start on the embedded default", () => {
  it("makes up a page-token key for this process and says so once, without the key", async () => {
    const warnings = service
      .stdout()
      .split("\n")
      .filter((l) => l.includes('"env":"PAGE_TOKEN_SECRET"'));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /"level":40,.*"msg":"no PAGE_TOKEN_SECRET configured: generated a random one for this process; page tokens will not survive a restart"/,
    );
  });
});

describe("Ctrl-C in a terminal", () => {
  it("stops the service and its embedded PostgreSQL quietly: exit 0, no warning or error, nothing on stderr", async () => {
    // While a SpaceX sync holds a connection, as right after the start.
    await service.waitForLine(/"component":"spacex-sync"/);
    const before = service.stdout().length;
    service.killGroup("SIGINT"); // the terminal's
    service.kill("SIGINT"); // npm's, forwarded to its child
    const exit = await service.exited;
    const after = service
      .stdout()
      .slice(before)
      .split("\n")
      .filter((l) => l.trim() !== "");
    assert.equal(exit.code, 0, service.stdout().slice(before) + service.stderr());
    assert.equal(service.stderr(), "");
    const loud = after.filter((l) => (JSON.parse(l) as { level: number }).level >= 40);
    assert.deepEqual(loud, []);
    assert.match(after.at(-1) ?? "", /"msg":"stopped"/);
  });
});

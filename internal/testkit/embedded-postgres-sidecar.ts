/**
 * A throwaway embedded PostgreSQL whose lifetime is bound to the process that spawned it.
 *
 * `createTestDatabase()` starts this script when a test file runs on its own with no database
 * configured. It prints one JSON line `{ "dsn": … }` once the server is ready, then stops the
 * server and deletes its folder as soon as its stdin closes, which happens when the parent
 * exits in any way, including SIGKILL. The parent unrefs it, so a running server never keeps
 * a finished test process alive.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../infra/postgres/embedded.js";
import { TEST_CLUSTER_SETTINGS } from "./postgres-settings.js";

const root = mkdtempSync(path.join(tmpdir(), "spacet-test-pg-"));
chmodSync(root, 0o755); // mkdtemp makes it 0700; as root, PostgreSQL runs as `postgres` and must enter it
const cleanUp = () => rmSync(root, { recursive: true, force: true });

try {
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, "data"), settings: TEST_CLUSTER_SETTINGS });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    cleanUp();
    process.exit(0);
  };
  process.stdin.on("close", stop).on("end", stop).resume();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  process.stdout.write(`${JSON.stringify({ dsn: server.dsn })}\n`);
} catch (e) {
  cleanUp();
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}

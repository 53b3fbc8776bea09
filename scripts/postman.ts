/**
 * `npm run postman`: runs the Postman collection (examples/spacet.postman_collection.json)
 * under newman against the built server (`dist/`, as the image runs it) on a fresh database,
 * and exits with newman's code, so one failed `pm.test` fails the run (and CI).
 *
 * - Database: a throwaway database on the server of `TEST_PG_DSN` or `PG_DSN` when set (dropped
 *   at the end), otherwise the server's embedded default in a temporary `PG_DATA_DIR`.
 * - SpaceX: the fixture server, so the pads the collection books on exist (the start-up sync
 *   fetches them) and nothing leaves the machine.
 * - Operator: `OPERATOR_USERNAMES` names a random user that the collection registers and logs
 *   in (`operatorUsername`), so a user's token and an operator's are both real.
 *
 * Expects `npm run build` to have run (`npm run postman` builds first). Arguments go to newman:
 * `npm run postman -- -n 2` runs the collection twice against one server and database (reruns pass).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { dropDatabase, withAdmin, withDatabase } from "../internal/testkit/postgres.js";
import { REPO_ROOT, type ScriptProcess, spawnScript } from "../internal/testkit/processes.js";
import { startSpacexFixtureServer } from "../internal/testkit/spacex-fixture-server/server.js";
import { freePort } from "../pkg/free-port.js";

const COLLECTION = "examples/spacet.postman_collection.json";
const SERVER = "dist/cmd/server.js";
const READY_TIMEOUT_MS = 90_000; // the embedded default runs initdb first
const say = (msg: string) => console.log(`[postman] ${msg}`);
const cleanups: Array<() => Promise<unknown>> = [];

/** A database for this run only: on the configured server, or the embedded default in a temp folder. */
async function database(runId: string): Promise<NodeJS.ProcessEnv> {
  const adminDsn = process.env.TEST_PG_DSN || process.env.PG_DSN;
  if (adminDsn) {
    const name = `spacet_postman_${runId}`;
    await withAdmin(adminDsn, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
    cleanups.push(() => dropDatabase(adminDsn, name));
    say(`database ${name} on ${new URL(adminDsn).host}`);
    // A DSN means no generated keys: the server insists on shared ones.
    return { PG_DSN: withDatabase(adminDsn, name), JWT_SECRET: secret(), PAGE_TOKEN_SECRET: secret() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "spacet-postman-"));
  chmodSync(dir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  say(`embedded PostgreSQL in ${dir}`);
  return { PG_DATA_DIR: path.join(dir, "pg") };
}

const secret = () => randomBytes(48).toString("base64");

/** Polls /readiness as Kubernetes would; fails when the server exits first. */
async function waitUntilReady(url: string, server: ScriptProcess): Promise<void> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) {
    const status = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server never became ready (${exited ? "it exited" : "timed out"})`);
}

/** newman's own CLI, through the Node running this script (no shell, no PATH lookup). */
function runNewman(args: readonly string[]): Promise<number> {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve("newman/package.json")), "bin", "newman.js");
  // newman 6.2.2 reads fs.F_OK, which Node 24 flags on every run (DEP0176): only that one is muted.
  const child = spawn(process.execPath, ["--disable-warning=DEP0176", cli, ...args], { cwd: REPO_ROOT, stdio: "inherit" });
  cleanups.unshift(async () => void (child.exitCode === null && child.signalCode === null && child.kill("SIGTERM")));
  return new Promise((resolve) => child.once("close", (code) => resolve(code ?? 1)));
}

async function main(): Promise<number> {
  if (!existsSync(path.join(REPO_ROOT, SERVER))) throw new Error(`${SERVER} is missing: run \`npm run build\` first (\`npm run postman\` does)`);
  const runId = randomBytes(4).toString("hex");
  const spacex = await startSpacexFixtureServer({ shiftYears: new Date().getUTCFullYear() - 2022 + 1 });
  cleanups.push(() => spacex.close());
  const dbEnv = await database(runId);
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const operator = `pm-operator-${runId}`;
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const server = spawnScript(SERVER, {
    nodeArgs: ["--max-semi-space-size=8", "--no-maglev"],
    env: {
      MALLOC_ARENA_MAX: "2",
      ...dbEnv,
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      PUBSUB_ENABLED: "false",
      LOG_LEVEL: "warn",
      SPACEX_API_URL: spacex.url,
      OPERATOR_USERNAMES: operator,
    },
  });
  say(`server pid ${server.pid} on ${baseUrl}`);
  // Registered before anything can fail, so the server is stopped (by its pid) whatever happens.
  cleanups.unshift(async () => {
    server.kill("SIGTERM");
    const { code } = await server.exited;
    say(`server pid ${server.pid} exited with ${code}`);
  });
  try {
    await waitUntilReady(`${baseUrl}/readiness`, server);
  } catch (error) {
    console.error(`--- server stdout ---\n${server.stdout()}\n--- server stderr ---\n${server.stderr()}`);
    throw error;
  }
  say("ready; running newman");
  const code = await runNewman([
    "run",
    COLLECTION,
    "--env-var",
    `baseUrl=${baseUrl}`,
    "--env-var",
    `operatorUsername=${operator}`,
    "--color",
    "off",
    ...process.argv.slice(2),
  ]);
  if (code !== 0) console.error(`--- server stderr (warnings and errors) ---\n${server.stderr()}${server.stdout()}`);
  return code;
}

let cleaning: Promise<void> | undefined;
/** Stops the server (first), drops the database and closes the fixture server; once. */
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error("cleanup failed:", error));
  })());
// Stopped from outside (CI timeout, Ctrl-C): nothing is left running or behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(1));
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  await cleanUp();
}
say(code === 0 ? "every assertion passed" : `FAILED (exit ${code})`);
process.exit(code);

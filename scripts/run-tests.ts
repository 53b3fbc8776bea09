/**
 * The single test entry point (`npm test`): provides PostgreSQL and the Pub/Sub emulator, runs
 * every `*.test.ts` (or the files given as arguments) with node's test runner, and ends with the
 * plain line `N passed, N failed`.
 *
 * - PostgreSQL: `TEST_PG_DSN` or `PG_DSN` when set, else an embedded server in a temp folder.
 *   One template database is migrated per run; test files clone it through
 *   `createTestDatabase()` (internal/testkit/postgres.ts), reading SPACET_TEST_TEMPLATE_DSN,
 *   SPACET_TEST_ADMIN_DSN and SPACET_TEST_RUN_ID.
 * - Pub/Sub: one emulator per run, exported as PUBSUB_EMULATOR_HOST / PUBSUB_PROJECT_ID.
 * - Everything started here is stopped at the end, on failure and on SIGINT/SIGTERM; the
 *   template and any test database a file forgot to drop are dropped too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../internal/infra/postgres/embedded.js";
import { ADMIN_DSN_ENV, createTemplateDatabase, dropDatabase, RUN_ID_ENV, TEMPLATE_DSN_ENV, withAdmin } from "../internal/testkit/postgres.js";
import { TEST_CLUSTER_SETTINGS } from "../internal/testkit/postgres-settings.js";
import { REPO_ROOT } from "../internal/testkit/processes.js";
import { startPubsubEmulator } from "../internal/testkit/pubsub-emulator.js";
import { readTapSummary } from "../internal/testkit/tap-summary.js";
import { findTestFiles } from "../internal/testkit/test-files.js";

const say = (msg: string) => console.log(`[run-tests] ${msg}`);
const since = (t: number) => `${Math.round(performance.now() - t)} ms`;
const cleanups: Array<() => Promise<unknown>> = [];
let interrupted: NodeJS.Signals | undefined;
let closingLine = "0 passed, 0 failed";
let tests: ChildProcess | undefined;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping`);
    interrupted = signal;
    tests?.kill(signal); // main() then cleans up; during setup it stops after the current step
  });
}

async function main(): Promise<number> {
  const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : findTestFiles(REPO_ROOT);
  const missing = files.filter((f) => !existsSync(path.resolve(REPO_ROOT, f)));
  if (missing.length > 0) throw new Error(`no such test file: ${missing.join(", ")}`);
  if (files.length === 0) throw new Error("found no *.test.ts files");

  const runId = randomBytes(3).toString("hex");
  const runDir = mkdtempSync(path.join(tmpdir(), "spacet-tests-"));
  chmodSync(runDir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  cleanups.push(async () => rmSync(runDir, { recursive: true, force: true }));

  const t0 = performance.now();
  // allSettled: when one fails, the other must still finish starting and register its cleanup.
  const [pgResult, emuResult] = await Promise.allSettled([
    (async () => {
      const configured = process.env.TEST_PG_DSN || process.env.PG_DSN;
      if (configured) return configured;
      const server = await startEmbeddedPostgres({ dataDir: path.join(runDir, "pg"), settings: TEST_CLUSTER_SETTINGS });
      cleanups.push(() => server.stop());
      say(`embedded PostgreSQL ready in ${since(t0)}`);
      return server.dsn;
    })(),
    (async () => {
      const emu = await startPubsubEmulator();
      cleanups.push(() => emu.stop());
      say(`Pub/Sub emulator ready on ${emu.host} in ${since(t0)}`);
      return emu;
    })(),
  ]);
  if (pgResult.status === "rejected") throw pgResult.reason;
  if (emuResult.status === "rejected") throw emuResult.reason;
  const [adminDsn, emulator] = [pgResult.value, emuResult.value];
  if (interrupted) return 1;

  const t1 = performance.now();
  const template = `spacet_tpl_run_${runId}`;
  cleanups.push(() => dropRunDatabases(adminDsn, runId, template));
  const templateDsn = await createTemplateDatabase(adminDsn, template);
  say(`template database ${template} migrated in ${since(t1)}`);
  if (interrupted) return 1;

  // One file per run: two runs in one checkout (a developer and a helper, say) must not read
  // or delete each other's summary.
  const tapFile = path.join(REPO_ROOT, ".test-results", `tests-${runId}.tap`);
  mkdirSync(path.dirname(tapFile), { recursive: true });
  rmSync(tapFile, { force: true });
  cleanups.push(async () => rmSync(tapFile, { force: true }));
  say(`running ${files.length} test file(s)`);
  tests = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-concurrency=3",
      "--test-timeout=120000",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    {
      cwd: REPO_ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        [TEMPLATE_DSN_ENV]: templateDsn,
        [ADMIN_DSN_ENV]: adminDsn,
        [RUN_ID_ENV]: runId,
        PUBSUB_EMULATOR_HOST: emulator.host,
        PUBSUB_PROJECT_ID: emulator.projectId,
        METADATA_SERVER_DETECTION: "none",
      },
    },
  );
  const child = tests;
  const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));

  const summary = existsSync(tapFile) ? readTapSummary(readFileSync(tapFile, "utf8")) : undefined;
  const passed = summary?.pass ?? 0;
  const failed = (summary?.fail ?? 0) + (summary?.cancelled ?? 0);
  closingLine = `${passed} passed, ${failed} failed`;
  if (!summary) say(`the test runner exited with code ${code} before printing its summary`);
  else if (passed === 0) say("no test ran");
  return code === 0 && summary !== undefined && failed === 0 && passed > 0 && !interrupted ? 0 : 1;
}

/** The run's template plus any `t_<runId>_*` database a test file did not drop. */
async function dropRunDatabases(adminDsn: string, runId: string, template: string): Promise<void> {
  const { rows } = await withAdmin(adminDsn, (c) =>
    c.query<{ datname: string }>("select datname from pg_database where datname = $1 or datname like $2", [template, `t\\_${runId}\\_%`]),
  );
  for (const { datname } of rows) await dropDatabase(adminDsn, datname);
}

const started = performance.now();
let exitCode = 1;
try {
  exitCode = await main();
} catch (e) {
  console.error(`[run-tests] ${(e as Error).message}`);
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((e: Error) => console.error(`[run-tests] cleanup: ${e.message}`));
  }
  say(`done in ${(Math.round(performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(closingLine); // last, alone on its line: CI reads it
}
process.exit(interrupted === "SIGINT" ? 130 : interrupted === "SIGTERM" ? 143 : exitCode);

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { readMigrationFiles } from "../infra/postgres/migration-files.js";
import { migrate } from "../infra/postgres/migrator.js";
import { REPO_ROOT } from "./processes.js";

/** Set by scripts/run-tests.ts for every test process. */
export const TEMPLATE_DSN_ENV = "SPACET_TEST_TEMPLATE_DSN";
export const ADMIN_DSN_ENV = "SPACET_TEST_ADMIN_DSN";
export const RUN_ID_ENV = "SPACET_TEST_RUN_ID";

export interface TestDatabase {
  readonly name: string;
  readonly dsn: string;
  /** Drops the database, disconnecting anything still connected to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file (or one test), graphile-style: a copy of a template that
 * was migrated once, so every file starts from the real schema in a few milliseconds and no
 * test sees another's rows. `{ empty: true }` gives a database with no schema at all (for
 * testing the migrator itself). Drop it in `after`.
 *
 * Under scripts/run-tests.ts the template comes from the environment. A test file run on its
 * own (`node --import tsx --test file.test.ts`) prepares a template itself, from `TEST_PG_DSN`
 * or `PG_DSN` when set, otherwise in a throwaway embedded PostgreSQL.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const { adminDsn, template } = await testCluster();
  const runId = process.env[RUN_ID_ENV];
  const name = `t_${runId ? `${runId}_` : ""}${randomBytes(6).toString("hex")}`;
  await withAdmin(adminDsn, (c) => c.query(`create database ${c.escapeIdentifier(name)} template ${opts.empty ? "template0" : c.escapeIdentifier(template)}`));
  let dropped: Promise<void> | undefined;
  return { name, dsn: withDatabase(adminDsn, name), drop: () => (dropped ??= dropDatabase(adminDsn, name)) };
}

/** `dsn` pointing at another database of the same server (user, password and options kept). */
export function withDatabase(dsn: string, database: string): string {
  const url = new URL(dsn);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Creates `name` and migrates it; it can then serve as a `create database … template` source. */
export async function createTemplateDatabase(adminDsn: string, name: string): Promise<string> {
  await withAdmin(adminDsn, (c) => c.query(`create database ${c.escapeIdentifier(name)} template template0`));
  // migrate() closes its connection when done: `create database … template` refuses a source
  // that has sessions (it waits up to 5 s for exiting ones).
  await migrate({ dsn: withDatabase(adminDsn, name) });
  return withDatabase(adminDsn, name);
}

export async function dropDatabase(adminDsn: string, name: string): Promise<void> {
  await withAdmin(adminDsn, (c) => c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`));
}

/**
 * Keeps a test's pool from crashing the process when the test database is dropped: pg-pool's
 * end() resolves before its clients finished closing, and a client removed from the pool that
 * then hears "terminating connection" (drop database … with force) emits an 'error' nobody
 * listens to any more.
 */
export function toleratingDrop<P extends pg.Pool>(pool: P): P {
  pool.on("connect", (client) => client.on("error", () => undefined));
  // An idle client's error is re-emitted on the pool, which throws when nobody listens there.
  pool.on("error", () => undefined);
  return pool;
}

/** One short-lived admin connection; test databases are created rarely enough not to need a pool. */
export async function withAdmin<T>(adminDsn: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDsn });
  client.on("error", () => undefined); // a failed query still rejects; this only stops a crash
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let standalone: Promise<{ adminDsn: string; template: string }> | undefined;

function testCluster(): Promise<{ adminDsn: string; template: string }> {
  const templateDsn = process.env[TEMPLATE_DSN_ENV];
  const adminDsn = process.env[ADMIN_DSN_ENV];
  if (templateDsn && adminDsn) {
    return Promise.resolve({ adminDsn, template: decodeURIComponent(new URL(templateDsn).pathname.slice(1)) });
  }
  return (standalone ??= prepareStandalone());
}

async function prepareStandalone(): Promise<{ adminDsn: string; template: string }> {
  const configured = process.env.TEST_PG_DSN || process.env.PG_DSN;
  if (!configured) {
    const adminDsn = await startSidecar();
    await createTemplateDatabase(adminDsn, "spacet_template");
    return { adminDsn, template: "spacet_template" };
  }
  // On a shared server, the template is named after the migrations it holds and kept, so runs
  // of single files reuse it instead of leaving one template behind per run. It is built under
  // a private name and renamed when complete, so a concurrent run never copies a half-built one.
  const files = readMigrationFiles();
  const hash = createHash("sha256").update(files.map((f) => `${f.version}:${f.checksum}`).join("\n"));
  const template = `spacet_tpl_${hash.digest("hex").slice(0, 16)}`;
  const exists = await withAdmin(configured, (c) => c.query("select 1 from pg_database where datname = $1", [template]));
  if (exists.rowCount === 0) {
    const building = `${template}_${randomBytes(4).toString("hex")}`;
    await createTemplateDatabase(configured, building);
    try {
      await withAdmin(configured, (c) => c.query(`alter database ${c.escapeIdentifier(building)} rename to ${c.escapeIdentifier(template)}`));
    } catch (e) {
      await dropDatabase(configured, building);
      if ((e as { code?: string }).code !== "42P04") throw e; // 42P04: another run finished first
    }
  }
  return { adminDsn: configured, template };
}

/** Starts embedded-postgres-sidecar.ts and returns its DSN; see that file for the lifetime rules. */
async function startSidecar(): Promise<string> {
  const script = fileURLToPath(new URL("./embedded-postgres-sidecar.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string | undefined>((resolve) => {
    lines.once("line", resolve);
    child.once("close", () => resolve(undefined));
  });
  lines.close();
  if (line === undefined) throw new Error(`the embedded PostgreSQL for tests failed to start:\n${stderr}`);
  // Keep stdin open (its closing is the sidecar's stop signal) without it holding this process.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
  return (JSON.parse(line) as { dsn: string }).dsn;
}

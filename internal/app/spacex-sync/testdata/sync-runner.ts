/**
 * One sync runner in its own OS process, for sync-single-runner.test.ts. Environment:
 * SYNC_DSN (database), SPACEX_URL (fixture server), SPACEX_TIMEOUT_MS, SPACEX_RETRIES.
 * Prints "ready" once its pool is connected, waits for a "go" line on stdin (so several runners
 * start their sync at the same moment), runs one scheduled, not forced, launch sync, prints
 * "outcome <json>" and exits 0.
 */
import { createInterface } from "node:readline";
import { sql } from "kysely";
import { createSpacexSync } from "../../../../cmd/wiring/spacex-sync.js";
import { createSpacexClient } from "../../../../pkg/spacex/index.js";
import { openDatabase } from "../../../infra/postgres/db.js";
import { createSpacexProvider } from "../../../infra/spacex/spacex-provider.js";
import { syncSettings } from "../../../testkit/spacex-sync.js";
import { silentLog } from "../../../testkit/logs.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const handle = openDatabase({ dsn: env("SYNC_DSN"), poolMax: 2, applicationName: `sync-runner-${process.pid}` });
const provider = createSpacexProvider(
  createSpacexClient({
    baseUrl: env("SPACEX_URL"),
    timeoutMs: Number(env("SPACEX_TIMEOUT_MS")),
    retries: Number(env("SPACEX_RETRIES")),
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 100,
  }),
);
const sync = createSpacexSync({ db: handle.db, settings: syncSettings(env("SPACEX_URL")), log: silentLog, provider });

// Through Kysely, not the bare pool: handle.close() ends the pool only once Kysely has used it.
await sql`select 1`.execute(handle.db);
console.log("ready");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === "go") break;
lines.close();

const outcome = await sync.syncSpacexLaunches({ trigger: "schedule" });
const run = outcome.kind === "ran" ? { outcome: outcome.run.outcome, error: outcome.run.error } : {};
console.log(`outcome ${JSON.stringify({ pid: process.pid, kind: outcome.kind, ...run })}`);
await handle.close();

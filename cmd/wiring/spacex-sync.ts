import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { Clock, IdGenerator } from "../../internal/app/ports.js";
import { createGetSyncStatus } from "../../internal/app/spacex-sync/get-sync-status.js";
import type { SpacexProvider } from "../../internal/app/spacex-sync/ports.js";
import { createRefreshLaunchpads } from "../../internal/app/spacex-sync/refresh-launchpads.js";
import { createRunSyncNow } from "../../internal/app/spacex-sync/run-sync-now.js";
import { createSpacexSyncTick } from "../../internal/app/spacex-sync/spacex-sync-tick.js";
import { createSyncSpacexLaunches } from "../../internal/app/spacex-sync/sync-spacex-launches.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createSyncLock } from "../../internal/infra/postgres/spacex-sync/sync-lock.js";
import { createSyncStatusReader } from "../../internal/infra/postgres/spacex-sync/sync-runs.js";
import { createStatementCounter } from "../../internal/infra/postgres/statement-counter.js";
import { createIntervalScheduler } from "../../internal/infra/scheduler/interval-scheduler.js";
import { withSyncRunLog } from "../../internal/infra/scheduler/sync-run-log.js";
import { createSpacexProvider } from "../../internal/infra/spacex/spacex-provider.js";
import { createSpacexClient } from "../../pkg/spacex/index.js";
import { outboxWriter } from "./outbox.js";
import { DomainError } from "../../internal/domain/errors.js";
import { unlessStopping } from "../../pkg/unless-stopping/unless-stopping.js";

/** The settings the SpaceX sync reads. */
export type SyncSettings = Pick<Config, "orchestrator" | "spacex">;

/**
 * The SpaceX sync wired to Postgres and the SpaceX API: the use cases behind SyncService and a
 * scheduler that runs a tick (launchpads if due, then launches if due) at start-up and every
 * ORCHESTRATOR_INTERVAL. Each run logs one line, with the SQL round trips it took. Shared by
 * the service and the tests; `provider` replaces the HTTP client.
 */
export function createSpacexSync(deps: {
  db: Kysely<Database>;
  settings: SyncSettings;
  log: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  provider?: SpacexProvider;
}) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const log = deps.log.child({ component: "spacex-sync" });
  const { orchestrator, spacex } = deps.settings;
  const provider =
    deps.provider ??
    createSpacexProvider(
      createSpacexClient({
        baseUrl: spacex.apiUrl,
        timeoutMs: spacex.timeoutMs,
        // The run's outcome is the one line an operator needs (withSyncRunLog); each retry and its stack is detail.
        onRetry: ({ attempt, delayMs, error }) => log.debug({ attempt, delayMs, err: error }, "spacex request failed; retrying"),
      }),
    );
  const counter = createStatementCounter();
  const lock = createSyncLock(deps.db.withPlugin(counter.plugin), { outbox: outboxWriter(ids) });
  const common = { lock, clock, ids, provider };
  const runLog = { log, counter, nextRunAt: () => scheduler.nextRunAt() };
  const syncSpacexLaunches = withSyncRunLog("spacex_launches", createSyncSpacexLaunches({ ...common, intervalMs: orchestrator.intervalMs }), runLog);
  const refreshLaunchpads = withSyncRunLog("launchpads", createRefreshLaunchpads({ ...common, maxAgeMs: spacex.launchpadsMaxAgeMs }), runLog);
  const tick = createSpacexSyncTick({ refreshLaunchpads, syncSpacexLaunches });
  const scheduler = createIntervalScheduler({
    name: "spacex-sync",
    intervalMs: orchestrator.intervalMs,
    task: async ({ first, signal }) => {
      try {
        await tick({ trigger: first ? "startup" : "schedule", signal });
      } catch (err) {
        if (!(err instanceof DomainError && err.kind === "unavailable")) throw err;
        // The database went away (the next tick tries again): one warning, or nothing when a
        // stop explains it (Ctrl-C stops an embedded database a moment before this process).
        unlessStopping(
          () => signal.aborted,
          () => log.warn({ err }, "spacex sync skipped: the database is unavailable"),
          () => log.debug({ err }, "spacex sync ended by stop"),
        );
      }
    },
    log,
  });
  return {
    syncSpacexLaunches,
    refreshLaunchpads,
    tick,
    runSyncNow: createRunSyncNow({ refreshLaunchpads, syncSpacexLaunches }),
    getSyncStatus: createGetSyncStatus({
      reader: createSyncStatusReader(deps.db),
      launchesIntervalMs: orchestrator.intervalMs,
      launchpadsMaxAgeMs: spacex.launchpadsMaxAgeMs,
    }),
    scheduler,
  };
}
export type SpacexSync = ReturnType<typeof createSpacexSync>;

import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import { createGetSyncStatus } from "../../internal/app/spacex-sync/get-sync-status.js";
import type { Clock, IdGenerator } from "../../internal/app/ports.js";
import { createRefreshLaunchpads } from "../../internal/app/spacex-sync/refresh-launchpads.js";
import { createRunSyncNow } from "../../internal/app/spacex-sync/run-sync-now.js";
import { createSpacexSyncTick } from "../../internal/app/spacex-sync/spacex-sync-tick.js";
import type { SpacexProvider } from "../../internal/app/spacex-sync/ports.js";
import { createSyncSpacexLaunches } from "../../internal/app/spacex-sync/sync-spacex-launches.js";
import { createSyncLock } from "../../internal/infra/postgres/spacex-sync/sync-lock.js";
import { createSyncStatusReader } from "../../internal/infra/postgres/spacex-sync/sync-runs.js";
import { createIntervalScheduler } from "../../internal/infra/scheduler/interval-scheduler.js";
import { createSyncRunLog } from "../../internal/infra/scheduler/sync-run-log.js";
import { createSpacexProvider } from "../../internal/infra/spacex/spacex-provider.js";
import { createSpacexClient } from "../../pkg/spacex/index.js";

/** The settings the SpaceX sync reads (sections of Config). */
export interface SyncSettings {
  readonly orchestrator: { readonly intervalMs: number };
  readonly spacex: { readonly apiUrl: string; readonly timeoutMs: number; readonly launchpadsMaxAgeMs: number };
}

/**
 * The SpaceX sync wired to Postgres and the SpaceX API: the use cases behind SyncService and a
 * scheduler that runs a tick (launchpads if due, then launches if due) at start-up and every
 * ORCHESTRATOR_INTERVAL. Shared by the service and the tests; `provider` replaces the HTTP client.
 */
export function createSync(deps: {
  pool: pg.Pool;
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
        onRetry: ({ attempt, delayMs, error }) => log.warn({ attempt, delayMs, err: error }, "spacex request failed; retrying"),
      }),
    );
  const common = { lock: createSyncLock(deps.pool, ids), clock, ids, provider, onOutcome: createSyncRunLog(log) };
  const syncSpacexLaunches = createSyncSpacexLaunches({ ...common, intervalMs: orchestrator.intervalMs });
  const refreshLaunchpads = createRefreshLaunchpads({ ...common, maxAgeMs: spacex.launchpadsMaxAgeMs });
  const tick = createSpacexSyncTick({ refreshLaunchpads, syncSpacexLaunches });
  return {
    syncSpacexLaunches,
    refreshLaunchpads,
    tick,
    runSyncNow: createRunSyncNow({ refreshLaunchpads, syncSpacexLaunches }),
    getSyncStatus: createGetSyncStatus({
      reader: createSyncStatusReader(deps.pool),
      launchesIntervalMs: orchestrator.intervalMs,
      launchpadsMaxAgeMs: spacex.launchpadsMaxAgeMs,
    }),
    scheduler: createIntervalScheduler({
      name: "spacex-sync",
      intervalMs: orchestrator.intervalMs,
      task: async ({ first, signal }) => {
        await tick({ trigger: first ? "startup" : "schedule", signal });
      },
      log,
    }),
  };
}
export type Sync = ReturnType<typeof createSync>;

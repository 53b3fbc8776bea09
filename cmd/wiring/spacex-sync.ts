import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { Clock, IdGenerator } from "../../internal/app/ports.js";
import { createGetSyncStatus } from "../../internal/app/spacex-sync/get-sync-status.js";
import type { SpacexProvider } from "../../internal/app/spacex-sync/ports.js";
import { createRefreshLaunchpads } from "../../internal/app/spacex-sync/refresh-launchpads.js";
import { createRunSyncNow } from "../../internal/app/spacex-sync/run-sync-now.js";
import type { SyncJobRunner } from "../../internal/app/spacex-sync/run-sync-job.js";
import { createSyncSpacexLaunches } from "../../internal/app/spacex-sync/sync-spacex-launches.js";
import { type SyncMetrics, withSyncRunMetrics } from "../../internal/app/spacex-sync/sync-run-metrics.js";
import type { SyncJob } from "../../internal/domain/spacex-sync/sync.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createSyncLock } from "../../internal/infra/postgres/spacex-sync/sync-lock.js";
import { createSyncStatusReader } from "../../internal/infra/postgres/spacex-sync/sync-runs.js";
import { createStatementCounter } from "../../internal/infra/postgres/statement-counter.js";
import type { CronJob } from "../../internal/infra/scheduler/cron-scheduler.js";
import { withSyncRunLog } from "../../internal/infra/scheduler/sync-run-log.js";
import { createSpacexProvider } from "../../internal/infra/spacex/spacex-provider.js";
import { createSpacexClient } from "../../pkg/spacex/index.js";
import { outboxWriter } from "./outbox.js";

/** The settings the SpaceX sync reads. */
export type SyncSettings = Pick<Config, "orchestrator" | "spacex">;

/** The recurring job (node-cron task) that runs each sync job: names its log lines and its slots. */
const CRON_JOB = { launchpads: "spacex-launchpads", spacex_launches: "spacex-launches" } as const satisfies Record<SyncJob, string>;

/**
 * The SpaceX sync wired to Postgres and the SpaceX API: the use cases behind SyncService and
 * the recurring jobs (see {@link spacexSyncJobs}). Each run logs one line, with the SQL round
 * trips it took, and is counted in `metrics` when given; a failed run's line says when the
 * scheduler tries again (`nextRunAt`, by recurring job name). Shared by the service and the
 * tests; `provider` replaces the HTTP client.
 */
export function createSpacexSync(deps: {
  db: Kysely<Database>;
  settings: SyncSettings;
  log: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  provider?: SpacexProvider;
  metrics?: SyncMetrics;
  nextRunAt?: (cronJob: string) => Date | undefined;
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
  const observed = (job: SyncJob, runner: SyncJobRunner) =>
    withSyncRunLog(job, deps.metrics ? withSyncRunMetrics(job, runner, deps.metrics) : runner, {
      log,
      counter,
      nextRunAt: () => deps.nextRunAt?.(CRON_JOB[job]),
    });
  const syncSpacexLaunches = observed("spacex_launches", createSyncSpacexLaunches({ ...common, intervalMs: orchestrator.intervalMs }));
  const refreshLaunchpads = observed("launchpads", createRefreshLaunchpads({ ...common, maxAgeMs: spacex.launchpadsMaxAgeMs }));
  return {
    syncSpacexLaunches,
    refreshLaunchpads,
    runSyncNow: createRunSyncNow({ refreshLaunchpads, syncSpacexLaunches }),
    getSyncStatus: createGetSyncStatus({
      reader: createSyncStatusReader(deps.db),
      launchesIntervalMs: orchestrator.intervalMs,
      launchpadsMaxAgeMs: spacex.launchpadsMaxAgeMs,
    }),
  };
}
export type SpacexSync = ReturnType<typeof createSpacexSync>;

/**
 * The sync's recurring jobs: the launchpad refresh on LAUNCHPADS_CRON and the launch sync on
 * SYNC_CRON, both also at start-up (pads first: the launch sync reads their time zones). A
 * firing only asks; each job runs when due (see SyncSpacexLaunches, RefreshLaunchpads) and on
 * one replica at a time. In this process they take turns: both need the one sync advisory
 * lock, so a job fired while the other runs here would find it held and skip its turn;
 * queued, it runs right after (unless the scheduler stopped meanwhile).
 */
export function spacexSyncJobs(sync: Pick<SpacexSync, "refreshLaunchpads" | "syncSpacexLaunches">, schedules: Config["schedules"]): CronJob[] {
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = (runner: SyncJobRunner): CronJob["run"] => {
    return ({ first, signal }) => {
      const run = turn.then(async () => {
        if (!signal.aborted) await runner({ trigger: first ? "startup" : "schedule", signal });
      });
      turn = run.catch(() => undefined);
      return run;
    };
  };
  return [
    { name: CRON_JOB.launchpads, cron: schedules.launchpads, runAtStart: true, run: inTurn(sync.refreshLaunchpads) },
    { name: CRON_JOB.spacex_launches, cron: schedules.sync, runAtStart: true, run: inTurn(sync.syncSpacexLaunches) },
  ];
}

import type { SyncRun } from "../../domain/spacex-sync/sync.js";
import type { RefreshLaunchpads } from "./refresh-launchpads.js";
import type { SyncOutcome } from "./run-sync-job.js";
import type { SyncSpacexLaunches } from "./sync-spacex-launches.js";

/** RunSync's answer: the run (succeeded or failed), or that another runner holds the lock. */
export type RunSyncNowResult =
  | { readonly kind: "ran"; readonly launches: SyncRun; readonly launchpads: SyncRun | undefined }
  | { readonly kind: "already_running" };

/**
 * An operator's RunSync: forces the launch sync (and, when asked, a launchpad refresh first)
 * whatever the age of the last success. It never waits behind a run in progress elsewhere: it
 * says so instead, and the operator can read that run's result from GetSyncStatus.
 */
export function createRunSyncNow(uc: { refreshLaunchpads: RefreshLaunchpads; syncSpacexLaunches: SyncSpacexLaunches }) {
  return async (req: { refreshLaunchpads: boolean }): Promise<RunSyncNowResult> => {
    let launchpads: SyncRun | undefined;
    if (req.refreshLaunchpads) {
      const outcome = await uc.refreshLaunchpads({ trigger: "manual", force: true });
      if (outcome.kind !== "ran") return { kind: "already_running" };
      launchpads = outcome.run;
    }
    const outcome: SyncOutcome = await uc.syncSpacexLaunches({ trigger: "manual", force: true });
    // A forced request is never "not due"; the only other outcome is a lock held elsewhere.
    if (outcome.kind !== "ran") return { kind: "already_running" };
    return { kind: "ran", launches: outcome.run, launchpads };
  };
}
export type RunSyncNow = ReturnType<typeof createRunSyncNow>;

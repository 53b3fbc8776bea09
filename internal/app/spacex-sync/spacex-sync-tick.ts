import type { SyncTrigger } from "../../domain/spacex-sync/sync.js";
import type { RefreshLaunchpads } from "./refresh-launchpads.js";
import type { SyncOutcome } from "./run-sync-job.js";
import type { SyncSpacexLaunches } from "./sync-spacex-launches.js";

/**
 * What one scheduler tick does: refresh the launchpads if they are due, then sync the launch
 * schedule if it is due. Pads go first because the launch sync reads their time zones to find
 * each launch's pad-local day. A failed pad refresh does not stop the launch sync: the pads
 * already stored (at worst the seed snapshot) are still usable.
 */
export function createSpacexSyncTick(uc: { refreshLaunchpads: RefreshLaunchpads; syncSpacexLaunches: SyncSpacexLaunches }) {
  return async (req: { trigger: SyncTrigger; signal?: AbortSignal }): Promise<{ launchpads: SyncOutcome; launches: SyncOutcome }> => {
    const launchpads = await uc.refreshLaunchpads(req);
    const launches = await uc.syncSpacexLaunches(req);
    return { launchpads, launches };
  };
}

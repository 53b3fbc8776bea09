import { runSyncJob, type SyncJobDeps, type SyncJobRequest, type SyncOutcome } from "./run-sync-job.js";
import type { SpacexProvider } from "./ports.js";

/**
 * Refreshes the launchpads from SpaceX when the last refresh is older than `maxAgeMs` (30 days
 * by default): new pads appear, status, time zone and names follow SpaceX. A pad that turns
 * retired (or anything but active) takes no further bookings, since CreateBooking checks the
 * stored status. Pads SpaceX stops listing are kept: bookings and launches still refer to them.
 * The seed snapshot counts as never refreshed, so a fresh database refreshes on its first tick.
 */
export function createRefreshLaunchpads(deps: SyncJobDeps & { provider: SpacexProvider; maxAgeMs: number }) {
  return (req: SyncJobRequest): Promise<SyncOutcome> =>
    runSyncJob(deps, { name: "launchpads", intervalMs: deps.maxAgeMs }, req, async (session, finish) => {
      const pads = await deps.provider.listLaunchpads(req.signal);
      return session.transaction(async (tx) => {
        const changes = await tx.upsertLaunchpads(pads, deps.clock());
        const run = finish({ fetched: pads.length, ...changes, removed: 0, launchesCancelled: 0, bookingsCancelled: 0 });
        await tx.recordRun(run);
        return run;
      });
    });
}
export type RefreshLaunchpads = ReturnType<typeof createRefreshLaunchpads>;

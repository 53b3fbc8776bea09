import type { Booking } from "../../domain/launch/booking.js";
import { bookingCancelled, type LaunchEvent, launchCancelled } from "../../domain/launch/events.js";
import { BLOCKING_PRECISIONS } from "../../domain/spacex-sync/sync.js";
import { runSyncJob, type SyncJobDeps, type SyncJobRequest, type SyncOutcome } from "./run-sync-job.js";
import type { SpacexConflicts, SpacexProvider } from "./ports.js";

/**
 * The scheduled SpaceX sync (SPEC §3): under the cluster-wide lock and only when due, read
 * SpaceX's whole upcoming schedule, then in ONE transaction make the mirror exactly that
 * schedule, cancel every launch and booking of ours on a pad-local day SpaceX now takes, write
 * their events to the outbox, and record the run. A failed fetch or apply changes nothing.
 */
export function createSyncSpacexLaunches(deps: SyncJobDeps & { provider: SpacexProvider; intervalMs: number }) {
  return (req: SyncJobRequest): Promise<SyncOutcome> =>
    runSyncJob(deps, { name: "spacex_launches", intervalMs: deps.intervalMs }, req, async (session, finish) => {
      // Fetched before the transaction opens: a slow SpaceX must never hold locks that bookings wait for.
      const launches = await deps.provider.listUpcomingLaunches(req.signal);
      return session.transaction(async (tx) => {
        const now = deps.clock();
        const mirror = await tx.replaceSpacexSchedule(launches, now);
        const conflicts = await tx.cancelSpacexConflicts({ now, blockingPrecisions: BLOCKING_PRECISIONS });
        await tx.outbox.add(conflictEvents(conflicts));
        const run = finish({
          fetched: launches.length,
          ...mirror,
          launchesCancelled: conflicts.launches.length,
          bookingsCancelled: conflicts.bookings.length,
        });
        await tx.recordRun(run);
        return run;
      });
    });
}
export type SyncSpacexLaunches = ReturnType<typeof createSyncSpacexLaunches>;

/**
 * One BookingCancelled per cancelled booking, then the LaunchCancelled of its launch: the
 * order a consumer of that launch's events (ordered by launch id) should see them in.
 */
function conflictEvents(conflicts: SpacexConflicts): LaunchEvent[] {
  const byLaunch = new Map<string, Booking[]>();
  for (const booking of conflicts.bookings) {
    const list = byLaunch.get(booking.launchId);
    if (list) list.push(booking);
    else byLaunch.set(booking.launchId, [booking]);
  }
  const events: LaunchEvent[] = [];
  for (const launch of conflicts.launches) {
    for (const booking of byLaunch.get(launch.id) ?? []) events.push(bookingCancelled(booking));
    events.push(launchCancelled(launch));
  }
  return events;
}

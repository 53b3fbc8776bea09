import type { SyncJobHistory, SyncStatusReader } from "./ports.js";

/** One job's recent history and how often it is due. */
export interface SyncJobStatus extends SyncJobHistory {
  readonly intervalMs: number;
}

/** What an operator sees at GET /v1/sync. */
export interface SyncStatus {
  readonly launches: SyncJobStatus;
  readonly launchpads: SyncJobStatus;
  /** A runner (on any replica) holds the sync lock right now. */
  readonly running: boolean;
}

/** SyncService.GetSyncStatus: last run, last success and last failure (with its error) per job. */
export function createGetSyncStatus(deps: { reader: SyncStatusReader; launchesIntervalMs: number; launchpadsMaxAgeMs: number }) {
  return async (): Promise<SyncStatus> => {
    const [launches, launchpads, running] = await Promise.all([
      deps.reader.history("spacex_launches"),
      deps.reader.history("launchpads"),
      deps.reader.isRunning(),
    ]);
    return {
      launches: { ...launches, intervalMs: deps.launchesIntervalMs },
      launchpads: { ...launchpads, intervalMs: deps.launchpadsMaxAgeMs },
      running,
    };
  };
}
export type GetSyncStatus = ReturnType<typeof createGetSyncStatus>;

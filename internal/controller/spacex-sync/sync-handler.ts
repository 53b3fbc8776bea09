import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type SyncJobStatus as JobStatusMsg,
  SyncJobStatusSchema,
  RunSyncResult,
  type SyncRun as SyncRunMsg,
  SyncRunSchema,
  SyncOutcome,
  type SyncService,
  SyncTrigger,
} from "../../../gen/spacet/v1/sync_pb.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import type { GetSyncStatus, SyncJobStatus } from "../../app/spacex-sync/get-sync-status.js";
import type { RunSyncNow } from "../../app/spacex-sync/run-sync-now.js";
import type { SyncRun } from "../../domain/spacex-sync/sync.js";

/** spacet.v1.SyncService: the operator's window on the SpaceX sync, and its "run now" button. */
export function createSyncHandler(uc: { getSyncStatus: GetSyncStatus; runSyncNow: RunSyncNow }): ServiceImpl<typeof SyncService> {
  return {
    async getSyncStatus() {
      const status = await uc.getSyncStatus();
      return { launches: jobStatusToProto(status.launches), launchpads: jobStatusToProto(status.launchpads), running: status.running };
    },
    async runSync(req) {
      const result = await uc.runSyncNow({ refreshLaunchpads: req.refreshLaunchpads });
      if (result.kind === "already_running") return { result: RunSyncResult.ALREADY_RUNNING };
      return {
        result: RunSyncResult.RAN,
        run: syncRunToProto(result.launches),
        launchpadsRun: result.launchpads && syncRunToProto(result.launchpads),
      };
    },
  };
}

function jobStatusToProto(s: SyncJobStatus): JobStatusMsg {
  return create(SyncJobStatusSchema, {
    lastRun: s.lastRun && syncRunToProto(s.lastRun),
    lastSuccess: s.lastSuccess && syncRunToProto(s.lastSuccess),
    lastFailure: s.lastFailure && syncRunToProto(s.lastFailure),
    interval: durationFromMs(s.intervalMs),
  });
}

function syncRunToProto(run: SyncRun): SyncRunMsg {
  return create(SyncRunSchema, {
    runId: run.id,
    trigger: toProtoEnum(SyncTrigger, run.trigger),
    startTime: timestampFromDate(run.startedAt),
    endTime: timestampFromDate(run.finishedAt),
    duration: durationFromMs(run.durationMs),
    outcome: toProtoEnum(SyncOutcome, run.outcome),
    error: run.error ?? "",
    counts: run.counts,
  });
}

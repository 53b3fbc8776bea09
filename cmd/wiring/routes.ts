import type { ConnectRouter } from "@connectrpc/connect";
import { BookingService } from "../../gen/spacet/v1/booking_pb.js";
import { LaunchService } from "../../gen/spacet/v1/launch_pb.js";
import { LaunchpadService } from "../../gen/spacet/v1/launchpad_pb.js";
import { SyncService } from "../../gen/spacet/v1/sync_pb.js";
import type { PageTokenCodec } from "../../pkg/page-token/page-token.js";
import { createBookingHandler } from "../../internal/controller/launch/booking-handler.js";
import { createLaunchHandler } from "../../internal/controller/launch/launch-handler.js";
import { createLaunchpadHandler } from "../../internal/controller/launch/launchpad-handler.js";
import { createSyncHandler } from "../../internal/controller/spacex-sync/sync-handler.js";
import type { SpacexSync } from "./spacex-sync.js";
import type { LaunchUseCases } from "./launch.js";

/** The product's services (health and reflection are added by the server). */
export const API_SERVICES = [BookingService, LaunchpadService, LaunchService, SyncService] as const;

export function createApiRoutes(uc: LaunchUseCases, pageTokens: PageTokenCodec, sync: Pick<SpacexSync, "getSyncStatus" | "runSyncNow">) {
  return (router: ConnectRouter) => {
    router.service(BookingService, createBookingHandler({ ...uc, pageTokens }));
    router.service(LaunchpadService, createLaunchpadHandler(uc));
    router.service(LaunchService, createLaunchHandler({ ...uc, pageTokens }));
    router.service(SyncService, createSyncHandler(sync));
  };
}

import type { ServiceImpl } from "@connectrpc/connect";
import { type LaunchpadService, LaunchpadStatus } from "../../../gen/spacet/v1/launchpad_pb.js";
import type { GetLaunchpad } from "../../app/launch/get-launchpad.js";
import type { ListLaunchpads } from "../../app/launch/list-launchpads.js";
import type { LaunchpadStatus as DomainStatus } from "../../domain/launch/launchpad.js";
import { enumWord } from "../from-proto.js";
import { launchpadToProto } from "./to-proto.js";

/** spacet.v1.LaunchpadService. */
export function createLaunchpadHandler(uc: { listLaunchpads: ListLaunchpads; getLaunchpad: GetLaunchpad }): ServiceImpl<typeof LaunchpadService> {
  return {
    async listLaunchpads(req, ctx) {
      const status = enumWord<string>(LaunchpadStatus, req.status)?.replace("_", " ") as DomainStatus | undefined;
      return { launchpads: (await uc.listLaunchpads({ status }, { signal: ctx.signal })).map(launchpadToProto) };
    },
    async getLaunchpad(req, ctx) {
      return { launchpad: launchpadToProto(await uc.getLaunchpad(req.launchpadId, { signal: ctx.signal })) };
    },
  };
}

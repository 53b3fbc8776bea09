import type { ServiceImpl } from "@connectrpc/connect";
import { Destination, LaunchProvider, type LaunchService } from "../../../gen/spacet/v1/launch_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import type { ListLaunches } from "../../app/launch/list-launches.js";
import { DESTINATION_NAMES, DESTINATIONS } from "../../domain/launch/destination.js";
import { enumWord, optionalDates } from "../from-proto.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { launchToProto } from "./to-proto.js";

/** spacet.v1.LaunchService. */
export function createLaunchHandler(uc: { listLaunches: ListLaunches; pageTokens: PageTokenCodec }): ServiceImpl<typeof LaunchService> {
  return {
    listDestinations() {
      return {
        destinations: DESTINATIONS.map((d) => ({ destination: toProtoEnum(Destination, d), displayName: DESTINATION_NAMES[d] })),
      };
    },
    async listLaunches(req, ctx) {
      const dates = optionalDates({ from_date: req.fromDate, to_date: req.toDate });
      const filter = {
        launchpadId: req.launchpadId || undefined,
        fromDate: dates.from_date,
        toDate: dates.to_date,
        provider: enumWord<"spacet" | "spacex">(LaunchProvider, req.provider),
      };
      const scope = JSON.stringify(["launches", filter]);
      const page = await uc.listLaunches(filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { launches: page.items.map(launchToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },
  };
}

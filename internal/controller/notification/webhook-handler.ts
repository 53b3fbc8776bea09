import type { ServiceImpl } from "@connectrpc/connect";
import { type WebhookService, WebhookDeliveryStatus } from "../../../gen/spacet/v1/webhook_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { ListDeliveries } from "../../app/notification/list-deliveries.js";
import type { RetryDelivery } from "../../app/notification/retry-delivery.js";
import type { DeliveryStatus } from "../../domain/notification/delivery.js";
import { enumWord } from "../from-proto.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { deliveryToProto } from "./to-proto.js";

const lower = (id: string) => (id === "" ? undefined : id.toLowerCase());

/** spacet.v1.WebhookService (operators; the proto declares it). */
export function createWebhookHandler(uc: {
  listDeliveries: ListDeliveries;
  retryDelivery: RetryDelivery;
  pageTokens: PageTokenCodec;
}): ServiceImpl<typeof WebhookService> {
  return {
    async listWebhookDeliveries(req, ctx) {
      const filter = { status: enumWord<DeliveryStatus>(WebhookDeliveryStatus, req.status), flightId: lower(req.flightId), targetId: lower(req.targetId) };
      const scope = JSON.stringify(["webhook-deliveries", filter]);
      const page = await uc.listDeliveries(filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { deliveries: page.items.map(deliveryToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },

    async retryWebhookDelivery(req, ctx) {
      return { delivery: deliveryToProto(await uc.retryDelivery(req.deliveryId.toLowerCase(), { signal: ctx.signal })) };
    },
  };
}

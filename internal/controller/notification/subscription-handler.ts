import type { ServiceImpl } from "@connectrpc/connect";
import type { SubscriptionService } from "../../../gen/spacet/v1/subscription_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { ListSubscriptions } from "../../app/notification/list-subscriptions.js";
import type { Subscribe } from "../../app/notification/subscribe.js";
import type { Unsubscribe } from "../../app/notification/unsubscribe.js";
import { requirePrincipal } from "../auth/context-keys.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { subscriptionToProto } from "./to-proto.js";

/** spacet.v1.SubscriptionService: the caller comes from the bearer token (auth interceptor). */
export function createSubscriptionHandler(uc: {
  subscribe: Subscribe;
  unsubscribe: Unsubscribe;
  listSubscriptions: ListSubscriptions;
  pageTokens: PageTokenCodec;
}): ServiceImpl<typeof SubscriptionService> {
  return {
    async subscribe(req, ctx) {
      const { subscription, secret } = await uc.subscribe(
        requirePrincipal(ctx),
        { flightId: req.flightId.toLowerCase(), webhookUrl: req.webhookUrl },
        { signal: ctx.signal },
      );
      return { subscription: subscriptionToProto(subscription), signingSecret: secret };
    },

    async unsubscribe(req, ctx) {
      await uc.unsubscribe(requirePrincipal(ctx), { flightId: req.flightId.toLowerCase(), userId: req.userId.toLowerCase() }, { signal: ctx.signal });
      return {};
    },

    async listSubscriptions(req, ctx) {
      const principal = requirePrincipal(ctx);
      const filter = { flightId: req.flightId === "" ? undefined : req.flightId.toLowerCase() };
      const scope = JSON.stringify(["subscriptions", principal.userId, filter]);
      const page = await uc.listSubscriptions(principal, filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { subscriptions: page.items.map(subscriptionToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },
  };
}

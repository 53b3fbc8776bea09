import type { ServiceImpl } from "@connectrpc/connect";
import type { AlertService } from "../../../gen/spacet/v1/alert_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { CreateAlert } from "../../app/notification/create-alert.js";
import type { DeleteAlert } from "../../app/notification/delete-alert.js";
import type { ListAlerts } from "../../app/notification/list-alerts.js";
import type { Clock } from "../../app/ports.js";
import { requirePrincipal } from "../auth/context-keys.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { alertToProto } from "./to-proto.js";

/** spacet.v1.AlertService: the caller comes from the bearer token (auth interceptor). */
export function createAlertHandler(uc: {
  createAlert: CreateAlert;
  listAlerts: ListAlerts;
  deleteAlert: DeleteAlert;
  pageTokens: PageTokenCodec;
  clock: Clock;
}): ServiceImpl<typeof AlertService> {
  return {
    async createAlert(req, ctx) {
      const { alert, secret } = await uc.createAlert(
        requirePrincipal(ctx),
        {
          origin: req.origin,
          destination: req.destination,
          date: req.departureDate === "" ? undefined : req.departureDate,
          month: req.departureMonth && { year: req.departureMonth.year, month: req.departureMonth.month },
          webhookUrl: req.webhookUrl,
        },
        { signal: ctx.signal },
      );
      return { alert: alertToProto(alert, uc.clock()), signingSecret: secret };
    },

    async listAlerts(req, ctx) {
      const principal = requirePrincipal(ctx);
      // The caller is part of the scope: a token from one user's walk is no good for another's.
      const scope = JSON.stringify(["alerts", principal.userId]);
      const page = await uc.listAlerts(principal, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      const now = uc.clock();
      return { alerts: page.items.map((a) => alertToProto(a, now)), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },

    async deleteAlert(req, ctx) {
      await uc.deleteAlert(requirePrincipal(ctx), req.alertId.toLowerCase(), { signal: ctx.signal });
      return {};
    },
  };
}

import { invalidFields } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";
import { type Alert, type AlertRequest, alertWhen } from "../../domain/notification/alert.js";
import type { Call, Clock, IdGenerator } from "../ports.js";
import type { NotificationUnitOfWork, SecretGenerator, WebhookUrlCheck } from "./ports.js";

/** Registers the caller's alert; its signing secret is returned here only. */
export function createCreateAlert(deps: { uow: NotificationUnitOfWork; clock: Clock; ids: IdGenerator; secrets: SecretGenerator; checkUrl: WebhookUrlCheck }) {
  return async (principal: Principal, req: AlertRequest, call?: Call): Promise<{ alert: Alert; secret: string }> => {
    const now = deps.clock();
    const urlProblems = deps.checkUrl(req.webhookUrl, "webhook_url");
    if (urlProblems.length > 0) throw invalidFields(urlProblems);
    const { when, lastDate } = alertWhen(req, now);
    const alert: Alert = {
      id: deps.ids(),
      userId: principal.userId,
      origin: req.origin,
      destination: req.destination,
      when,
      lastDate,
      webhookUrl: req.webhookUrl,
      createdAt: now,
      disabledAt: undefined,
    };
    const secret = deps.secrets();
    await deps.uow.run((tx) => tx.alerts.insert(alert, secret), call);
    return { alert, secret };
  };
}
export type CreateAlert = ReturnType<typeof createCreateAlert>;

import { DomainError, invalidFields } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";
import type { Subscription } from "../../domain/notification/subscription.js";
import type { Call, Clock, IdGenerator } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import type { NotificationUnitOfWork, SecretGenerator, WebhookUrlCheck } from "./ports.js";

/**
 * Subscribes the caller to a flight; the signing secret is returned here only. A flight that
 * was cancelled or has arrived has nothing more to tell (FAILED_PRECONDITION FLIGHT_ENDED); a
 * second live subscription of the same user is ALREADY_EXISTS (the unique index decides).
 */
export function createSubscribe(deps: { uow: NotificationUnitOfWork; clock: Clock; ids: IdGenerator; secrets: SecretGenerator; checkUrl: WebhookUrlCheck }) {
  return async (principal: Principal, req: { flightId: string; webhookUrl: string }, call?: Call): Promise<{ subscription: Subscription; secret: string }> => {
    const urlProblems = deps.checkUrl(req.webhookUrl, "webhook_url");
    if (urlProblems.length > 0) throw invalidFields(urlProblems);
    const secret = deps.secrets();
    return deps.uow.run(async (tx) => {
      const flight = await tx.flights.lockShared(req.flightId);
      if (!flight) throw flightNotFound(req.flightId);
      if (flight.status === "cancelled" || flight.operationalStatus === "arrived") {
        throw new DomainError("precondition", "FLIGHT_ENDED", `flight ${req.flightId} was cancelled or has arrived: nothing more will happen to it`, {
          metadata: { flight_id: req.flightId },
        });
      }
      const subscription: Subscription = {
        id: deps.ids(),
        flightId: req.flightId,
        userId: principal.userId,
        webhookUrl: req.webhookUrl,
        createdAt: deps.clock(),
        endedAt: undefined,
        endedReason: undefined,
        disabledAt: undefined,
      };
      await tx.subscriptions.insert(subscription, secret);
      return { subscription, secret };
    }, call);
  };
}
export type Subscribe = ReturnType<typeof createSubscribe>;

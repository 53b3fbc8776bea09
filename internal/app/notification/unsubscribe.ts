import type { Principal } from "../../domain/identity/principal.js";
import type { Call, Clock } from "../ports.js";
import { subscriptionNotFound } from "./not-found.js";
import type { NotificationUnitOfWork } from "./ports.js";

/**
 * Ends a user's live subscription to a flight. Users name themselves; naming another user (or
 * a flight they do not follow) is NOT_FOUND, so nothing about other users is revealed.
 */
export function createUnsubscribe(deps: { uow: NotificationUnitOfWork; clock: Clock }) {
  return (principal: Principal, req: { flightId: string; userId: string }, call?: Call): Promise<void> =>
    deps.uow.run(async (tx) => {
      const mine = principal.role === "operator" || req.userId === principal.userId;
      const subscription = mine ? await tx.subscriptions.findLive(req.flightId, req.userId) : undefined;
      if (!subscription) throw subscriptionNotFound(req.flightId, req.userId);
      await tx.subscriptions.unsubscribe(subscription.id, deps.clock());
    }, call);
}
export type Unsubscribe = ReturnType<typeof createUnsubscribe>;

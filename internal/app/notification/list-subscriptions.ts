import type { Principal } from "../../domain/identity/principal.js";
import type { Subscription } from "../../domain/notification/subscription.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { NotificationUnitOfWork } from "./ports.js";

/** A user's own subscriptions; everyone's for an operator. Newest first, optionally of one flight. */
export function createListSubscriptions(deps: { uow: NotificationUnitOfWork }) {
  return (principal: Principal, filter: { flightId?: string }, page: PageRequest, call?: Call): Promise<Page<Subscription>> =>
    deps.uow.read(call).subscriptions.list(principal.role === "operator" ? filter : { ...filter, userId: principal.userId }, page);
}
export type ListSubscriptions = ReturnType<typeof createListSubscriptions>;

import type { Principal } from "../../domain/identity/principal.js";
import type { Alert } from "../../domain/notification/alert.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { NotificationUnitOfWork } from "./ports.js";

/** A user's own alerts; every alert for an operator. Newest first. */
export function createListAlerts(deps: { uow: NotificationUnitOfWork }) {
  return (principal: Principal, page: PageRequest, call?: Call): Promise<Page<Alert>> =>
    deps.uow.read(call).alerts.list(principal.role === "operator" ? {} : { userId: principal.userId }, page);
}
export type ListAlerts = ReturnType<typeof createListAlerts>;

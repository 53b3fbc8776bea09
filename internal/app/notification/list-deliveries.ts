import type { WebhookDelivery } from "../../domain/notification/delivery.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { DeliveryFilter, NotificationUnitOfWork } from "./ports.js";

/** Deliveries newest first (operators only: the access rule is declared in the proto). */
export function createListDeliveries(deps: { uow: NotificationUnitOfWork }) {
  return (filter: DeliveryFilter, page: PageRequest, call?: Call): Promise<Page<WebhookDelivery>> => deps.uow.read(call).deliveries.list(filter, page);
}
export type ListDeliveries = ReturnType<typeof createListDeliveries>;

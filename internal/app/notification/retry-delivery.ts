import type { WebhookDelivery } from "../../domain/notification/delivery.js";
import type { Call } from "../ports.js";
import { deliveryNotFound } from "./not-found.js";
import type { NotificationUnitOfWork } from "./ports.js";

/** Sends a delivery again as soon as a dispatcher can (same webhook-id, fresh schedule). */
export function createRetryDelivery(deps: { uow: NotificationUnitOfWork }) {
  return (id: string, call?: Call): Promise<WebhookDelivery> =>
    deps.uow.run(async (tx) => {
      const delivery = await tx.deliveries.retryNow(id);
      if (!delivery) throw deliveryNotFound(id);
      return delivery;
    }, call);
}
export type RetryDelivery = ReturnType<typeof createRetryDelivery>;

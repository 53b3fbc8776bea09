import { DomainError } from "../../domain/errors.js";

/** Also the answer for another user's alert: its existence is not revealed. */
export function alertNotFound(id: string): DomainError {
  return new DomainError("not_found", "ALERT_NOT_FOUND", `alert ${id} not found`, { metadata: { alert_id: id } });
}

/** Also the answer for another user's subscription. */
export function subscriptionNotFound(flightId: string, userId: string): DomainError {
  return new DomainError("not_found", "SUBSCRIPTION_NOT_FOUND", `no subscription of user ${userId} to flight ${flightId}`, {
    metadata: { flight_id: flightId, user_id: userId },
  });
}

export function deliveryNotFound(id: string): DomainError {
  return new DomainError("not_found", "WEBHOOK_DELIVERY_NOT_FOUND", `webhook delivery ${id} not found`, { metadata: { delivery_id: id } });
}

/** Subscribe to a flight nobody scheduled. */
export function flightNotFound(id: string): DomainError {
  return new DomainError("not_found", "FLIGHT_NOT_FOUND", `flight ${id} not found`, { metadata: { flight_id: id } });
}

import type { Selectable } from "kysely";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { Alert } from "../../../domain/notification/alert.js";
import type { DeliveryStatus, WebhookDelivery } from "../../../domain/notification/delivery.js";
import type { Subscription, SubscriptionEndReason } from "../../../domain/notification/subscription.js";
import type { AlertTable, FlightSubscriptionTable, WebhookDeliveryTable } from "../schema.js";

/** Row to domain; the secret stays in the database layer. */
export function toAlert(row: Selectable<AlertTable>): Alert {
  const month = row.departure_month;
  return {
    id: row.id,
    userId: row.user_id,
    origin: row.origin,
    destination: row.destination,
    when: month ? { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) } : { date: row.departure_date as CalendarDate },
    lastDate: row.last_date as CalendarDate,
    webhookUrl: row.webhook_url,
    createdAt: row.created_at,
    disabledAt: row.disabled_at ?? undefined,
  };
}

export function toSubscription(row: Selectable<FlightSubscriptionTable>): Subscription {
  return {
    id: row.id,
    flightId: row.flight_id,
    userId: row.user_id,
    webhookUrl: row.webhook_url,
    createdAt: row.created_at,
    endedAt: row.ended_at ?? undefined,
    endedReason: (row.ended_reason ?? undefined) as SubscriptionEndReason | undefined,
    disabledAt: row.disabled_at ?? undefined,
  };
}

/** Everything operators see of a delivery (never its body). */
export type DeliveryRow = Omit<Selectable<WebhookDeliveryTable>, "body" | "event_id" | "lease_token">;

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventType: row.event_type,
    flightId: row.flight_id,
    targetKind: row.alert_id ? "alert" : "subscription",
    targetId: (row.alert_id ?? row.subscription_id) as string,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at ?? undefined,
    lastStatusCode: row.last_status_code ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    completedAt: row.completed_at ?? undefined,
  };
}

/** The columns of DeliveryRow, for selects and returning clauses. */
export const DELIVERY_COLUMNS = [
  "id",
  "seq",
  "event_type",
  "flight_id",
  "alert_id",
  "subscription_id",
  "status",
  "attempts",
  "next_attempt_at",
  "last_attempt_at",
  "last_status_code",
  "last_error",
  "created_at",
  "completed_at",
] as const;

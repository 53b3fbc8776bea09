/** Why a subscription stopped: its user ended it, or the flight reached a terminal state. */
export type SubscriptionEndReason = "unsubscribed" | "flight_arrived" | "flight_cancelled";

/** A user following one flight through webhooks (one live subscription per user and flight). */
export interface Subscription {
  readonly id: string;
  readonly flightId: string;
  readonly userId: string;
  readonly webhookUrl: string;
  readonly createdAt: Date;
  readonly endedAt: Date | undefined;
  readonly endedReason: SubscriptionEndReason | undefined;
  /** Set when the endpoint answered 410 Gone. */
  readonly disabledAt: Date | undefined;
}

export type SubscriptionStatus = "active" | "ended" | "disabled";

export function subscriptionStatus(s: Subscription): SubscriptionStatus {
  if (s.endedAt) return "ended";
  return s.disabledAt ? "disabled" : "active";
}

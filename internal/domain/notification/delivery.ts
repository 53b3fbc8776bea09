/** Where a delivery stands: waiting for an attempt, or done one way or another. */
export type DeliveryStatus = "pending" | "succeeded" | "failed" | "cancelled";

/** Who a delivery is for: an alert (flight.created) or a flight subscription. */
export type DeliveryTargetKind = "alert" | "subscription";

/** One event for one endpoint, as operators see it (never its body or the endpoint's secret). */
export interface WebhookDelivery {
  readonly id: string;
  readonly eventType: string;
  readonly flightId: string;
  readonly targetKind: DeliveryTargetKind;
  readonly targetId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | undefined;
  readonly lastStatusCode: number | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: Date;
  readonly completedAt: Date | undefined;
}

/** What one attempt got: an HTTP answer, or no answer at all. */
export type AttemptResult =
  | { readonly kind: "response"; readonly statusCode: number; readonly retryAfterMs?: number }
  /** `blocked`: the address is not one we may connect to (SSRF guard); retrying cannot help. */
  | { readonly kind: "error"; readonly error: string; readonly blocked?: boolean };

/** When failed attempts are retried (Standard Webhooks / Svix style). */
export interface RetryPolicy {
  /** Delay before retry n (n = 1 … length) after the attempt before it; then the delivery fails. */
  readonly delaysMs: readonly number[];
  /** Each delay is spread by ±jitter (0.2 = ±20 %) so a receiver's recovery is not hit by a herd. */
  readonly jitter: number;
}

/** What to record after an attempt. */
export type AttemptOutcome =
  | { readonly status: "succeeded" }
  | { readonly status: "failed"; readonly error: string | undefined; readonly disableEndpoint: boolean }
  | { readonly status: "pending"; readonly retryInMs: number; readonly error: string | undefined };

/** The short text kept as last_error for an answer that is not a success. */
export function describeResult(result: AttemptResult): string | undefined {
  if (result.kind === "error") return result.error;
  const code = result.statusCode;
  if (code >= 200 && code < 300) return undefined;
  if (code >= 300 && code < 400) return `redirect (HTTP ${code}) not followed`;
  return `HTTP ${code}`;
}

/**
 * Decides a delivery's next state from one attempt (`attempts` counts it): 2xx succeeds; 410
 * Gone fails it and disables the endpoint; a refused address fails at once; anything else
 * (3xx, other 4xx/5xx, timeout, connection error) is retried on the schedule, or fails when the
 * schedule is spent. A Retry-After longer than the scheduled delay is honoured, up to the
 * schedule's longest delay (a receiver cannot park a delivery for a year).
 */
export function decideAttempt(result: AttemptResult, attempts: number, policy: RetryPolicy, random: () => number = Math.random): AttemptOutcome {
  const error = describeResult(result);
  if (result.kind === "response") {
    if (result.statusCode >= 200 && result.statusCode < 300) return { status: "succeeded" };
    if (result.statusCode === 410) return { status: "failed", error: "HTTP 410: endpoint gone, disabled", disableEndpoint: true };
  } else if (result.blocked) {
    return { status: "failed", error, disableEndpoint: false };
  }
  if (attempts > policy.delaysMs.length) return { status: "failed", error, disableEndpoint: false };
  const scheduled = policy.delaysMs[attempts - 1] * (1 + policy.jitter * (2 * random() - 1));
  const retryAfter = result.kind === "response" && result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, Math.max(...policy.delaysMs)) : 0;
  return { status: "pending", retryInMs: Math.round(Math.max(scheduled, retryAfter)), error };
}

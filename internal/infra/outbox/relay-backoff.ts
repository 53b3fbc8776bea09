/** Exponential backoff of a failing aggregate. */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly firstMs: number;
  /** Upper bound of any delay. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 60_000 };

/**
 * Delay before the next attempt after the `attempts`-th consecutive failure (1-based):
 * firstMs · 2^(attempts−1), capped at maxMs, then "equal jitter" (a random value in its upper
 * half). The jitter spreads the retries of aggregates that failed together (a broker outage)
 * so they do not all come back in the same instant; keeping the lower half guarantees each
 * aggregate really waits, so one poison event cannot spin.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const capped = Math.min(policy.firstMs * 2 ** exponent, policy.maxMs);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** Exponential backoff: the delay after the first failure, doubling per failure up to a cap. */
export interface Backoff {
  /** Ceiling of the delay after the first failure. */
  readonly firstMs: number;
  /** Upper bound of any delay. */
  readonly maxMs: number;
}

/**
 * Delay before the next attempt after the `attempt`-th consecutive failure (1-based):
 * firstMs · 2^(attempt−1), capped at maxMs, then "equal jitter" (a random value in its upper
 * half). The random half spreads the retries of callers that failed together (a broker outage,
 * replicas ticking at once), so they do not all come back in the same instant; the fixed half
 * guarantees each really waits, so one persistent failure cannot spin. `attempt` below 1
 * counts as the first failure, and any number of failures stays at the cap.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(backoff.firstMs * 2 ** exponent, backoff.maxMs);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

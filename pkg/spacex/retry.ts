import { backoffDelay } from "../backoff/backoff.js";

/**
 * Retries with exponential backoff and jitter (pkg/backoff): when to stop, how long to wait,
 * and what the server asked for. p-retry does not fit: a `Retry-After` longer than the cap
 * must end the retries, not stretch them.
 */

/** How many times to try again and how long to wait between attempts. */
export interface RetryPolicy {
  /** Attempts after the first one; 0 disables retrying. */
  readonly retries: number;
  /** Backoff ceiling of the first retry; it doubles on every further retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single wait, including one asked for by the server. */
  readonly maxDelayMs: number;
}

/** What `classify` says about a failure. */
export interface RetryVerdict {
  readonly retryable: boolean;
  /** The server's minimum wait (`Retry-After`), honoured even when longer than the backoff. */
  readonly retryAfterMs?: number;
}

/** Reported before each wait, so callers can log or count retries. */
export interface RetryInfo<E = unknown> {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: E;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly classify: (error: unknown) => RetryVerdict;
  readonly onRetry?: (info: RetryInfo) => void;
  /** Aborting it ends the wait at once and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Source of jitter in [0, 1); injected by tests for exact delays. */
  readonly random?: () => number;
}

/**
 * Runs `fn` until it succeeds, the failure is not retryable, the retries are used up, or
 * the server asks for a wait longer than `maxDelayMs` (a sync job had better fail now and
 * run again on its next tick than sleep through it). The last error is rethrown unchanged.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const delayMs = delayBeforeRetry(error, attempt, options);
      if (delayMs === undefined) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

function delayBeforeRetry(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  if (attempt > options.policy.retries || options.signal?.aborted) return undefined;
  const verdict = options.classify(error);
  if (!verdict.retryable) return undefined;
  const floor = verdict.retryAfterMs ?? 0;
  if (floor > options.policy.maxDelayMs) return undefined;
  const backoff = { firstMs: options.policy.baseDelayMs, maxMs: options.policy.maxDelayMs };
  return Math.max(floor, backoffDelay(attempt, backoff, options.random ?? Math.random));
}

/**
 * Reads a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) as milliseconds
 * from `nowMs`. Unreadable values count as absent rather than failing the request.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; without this check V8 reads "-1" as year -1.
  const at = /^[A-Za-z]{3}\b/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A timer that the caller's signal can cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

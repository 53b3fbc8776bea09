import type { CallOptions } from "@google-cloud/pubsub";

/** gRPC codes google-gax retries for Publish by default (Pub/Sub's own client config). */
const RETRY_CODES = [
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
];

/** The longest sleep between two attempts; it is also how far a publish can overrun its deadline. */
export const MAX_RETRY_DELAY_MS = 1_000;

/**
 * Call options that bound a Publish to about `deadlineMs` (+ at most one retry sleep).
 *
 * Why this shape (research/pubsub-emulator.md, verified against google-gax 5.0.8):
 * - The default gives up only after 60 s and sleeps up to 60 s between attempts; `timeout`
 *   alone is checked only between attempts, so it overshoots by one random sleep (31.7 s
 *   measured for a 2 s timeout). A small `maxRetryDelayMillis` fixes that.
 * - backoffSettings must be COMPLETE: gax replaces the defaults wholesale, and missing
 *   multipliers give zero delays, i.e. retry storms (googleapis/nodejs-pubsub#1903).
 * - Never `maxRetries`: gax then edits the shared per-method settings in place and every later
 *   publish of the client fails with "Cannot set both totalTimeoutMillis and maxRetries".
 * - No `timeout` key either: it too is written into the shared defaults.
 * Every attempt may take the whole remaining budget (a hung broker is cut at the deadline).
 * Retries after an ambiguous failure can duplicate a message: delivery is at least once.
 */
export function publishCallOptions(deadlineMs: number): CallOptions {
  return {
    retry: {
      retryCodes: RETRY_CODES,
      backoffSettings: {
        initialRetryDelayMillis: 100,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: MAX_RETRY_DELAY_MS,
        initialRpcTimeoutMillis: deadlineMs,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: deadlineMs,
        totalTimeoutMillis: deadlineMs,
      },
    },
  };
}

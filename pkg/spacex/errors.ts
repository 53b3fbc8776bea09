/**
 * What went wrong talking to the SpaceX API. Callers branch on `kind`, not on messages:
 * a sync job treats every kind as "change nothing this run", while logs and operator
 * status want to tell an outage (`http`, `timeout`, `network`) from a provider that
 * answered nonsense (`invalid_payload`, `inconsistent_paging`).
 */
export type SpacexApiErrorKind = "http" | "timeout" | "network" | "invalid_payload" | "inconsistent_paging";

/**
 * The only error the SpaceX client throws (apart from the caller's own abort reason), so a
 * partial or malformed answer can never leak out as an empty schedule.
 */
export class SpacexApiError extends Error {
  override name = "SpacexApiError";
  readonly kind: SpacexApiErrorKind;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** The request URL that failed. */
  readonly url: string;
  /** Minimum wait the server asked for through `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: SpacexApiErrorKind, message: string, details: { url: string; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.kind = kind;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Transient failures are worth another attempt; a 4xx or a bad payload will not fix itself. */
  get transient(): boolean {
    if (this.kind === "network" || this.kind === "timeout") return true;
    return this.kind === "http" && this.status !== undefined && (this.status === 429 || this.status >= 500);
  }
}

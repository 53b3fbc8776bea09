import { SpacexApiError } from "./errors.js";
import { parseRetryAfter, type RetryInfo, type RetryPolicy, withRetry } from "./retry.js";

/** How the client reaches the API; everything the tests need to shrink is here. */
export interface JsonTransportOptions {
  /** Base URL without a trailing slash, e.g. `https://api.spacexdata.com/v4`. */
  readonly baseUrl: string;
  /** Limit of one attempt, from sending the request to the last byte of the body. */
  readonly timeoutMs: number;
  readonly policy: RetryPolicy;
  readonly fetch: typeof fetch;
  readonly onRetry?: (info: RetryInfo<SpacexApiError>) => void;
}

/** A request against the API; `body` makes it a JSON POST. */
export interface JsonRequest {
  readonly path: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** A parsed JSON answer and the URL it came from (for error messages further up). */
export interface JsonAnswer {
  readonly url: string;
  readonly body: unknown;
}

/**
 * Builds the one function through which every SpaceX call goes: a per-attempt timeout
 * combined with the caller's signal, and retries for transient failures only. An abort by
 * the caller is never retried and rejects with the caller's own reason.
 */
export function createJsonTransport(options: JsonTransportOptions): (request: JsonRequest) => Promise<JsonAnswer> {
  return (request) => {
    const url = `${options.baseUrl}${request.path}`;
    return withRetry(() => attempt(url, request, options), {
      policy: options.policy,
      signal: request.signal,
      classify: (error) => (error instanceof SpacexApiError && error.transient ? { retryable: true, retryAfterMs: error.retryAfterMs } : { retryable: false }),
      // classify retries nothing but SpacexApiError, so that is what onRetry can see.
      onRetry: options.onRetry && ((info) => options.onRetry?.({ ...info, error: info.error as SpacexApiError })),
    });
  };
}

async function attempt(url: string, request: JsonRequest, options: JsonTransportOptions): Promise<JsonAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const post = request.body !== undefined;
  let response: Response;
  let raw: string;
  try {
    response = await options.fetch(url, {
      method: post ? "POST" : "GET",
      headers: post ? { accept: "application/json", "content-type": "application/json" } : { accept: "application/json" },
      body: post ? JSON.stringify(request.body) : undefined,
      signal,
    });
    raw = await response.text();
  } catch (cause) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) {
      throw new SpacexApiError("timeout", `no complete answer within ${options.timeoutMs} ms from ${url}`, { url, cause });
    }
    throw new SpacexApiError("network", `request to ${url} failed: ${describe(cause)}`, { url, cause });
  }
  if (!response.ok) {
    throw new SpacexApiError("http", `${url} answered HTTP ${response.status}: ${raw.slice(0, 200)}`, {
      url,
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
    });
  }
  try {
    return { url, body: JSON.parse(raw) };
  } catch (cause) {
    throw new SpacexApiError("invalid_payload", `${url} answered with a body that is not JSON`, {
      url,
      status: response.status,
      cause,
    });
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
  return `${cause.message}${inner}`;
}

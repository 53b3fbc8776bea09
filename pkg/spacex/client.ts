import { SpacexApiError } from "./errors.js";
import { createJsonTransport, type JsonAnswer } from "./http.js";
import { LAUNCH_FIELDS, parseLaunch, type SpacexLaunch } from "./launch.js";
import { parseLaunchpad, type SpacexLaunchpad } from "./launchpad.js";
import { readAllPages } from "./paging.js";
import { array, PayloadIssue } from "./payload.js";
import type { RetryInfo } from "./retry.js";

/** Settings of `createSpacexClient`; only `baseUrl` is required. */
export interface SpacexClientOptions {
  /** API root including the version, e.g. `https://api.spacexdata.com/v4`. */
  readonly baseUrl: string;
  /** Per attempt, including reading the body. Default 10 000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a transient failure (network, timeout, 429, 5xx). Default 3. */
  readonly retries?: number;
  /** Backoff ceiling of the first retry, doubling after. Default 250. */
  readonly retryBaseDelayMs?: number;
  /** Cap of any wait; a longer `Retry-After` ends the retries. Default 10 000. */
  readonly retryMaxDelayMs?: number;
  /** Documents per page of `/launches/query`. Default 100. */
  readonly pageSize?: number;
  readonly fetch?: typeof fetch;
  readonly onRetry?: (info: RetryInfo<SpacexApiError>) => void;
}

/**
 * Read access to the SpaceX schedule. Every method returns a complete, validated list or
 * throws `SpacexApiError` (or the caller's abort reason): never an empty or partial one.
 */
export interface SpacexClient {
  listLaunchpads(signal?: AbortSignal): Promise<SpacexLaunchpad[]>;
  /** Upcoming launches in flight-number order, read page by page from `/launches/query`. */
  listUpcomingLaunches(signal?: AbortSignal): Promise<SpacexLaunch[]>;
}

/** Builds a SpaceX API v4 client; the base URL is configurable because the public API is frozen. */
export function createSpacexClient(options: SpacexClientOptions): SpacexClient {
  const pageSize = positiveInteger(options.pageSize ?? 100, "pageSize");
  const request = createJsonTransport({
    baseUrl: baseUrlOf(options.baseUrl),
    timeoutMs: positiveInteger(options.timeoutMs ?? 10_000, "timeoutMs"),
    policy: {
      retries: nonNegativeInteger(options.retries ?? 3, "retries"),
      baseDelayMs: nonNegativeInteger(options.retryBaseDelayMs ?? 250, "retryBaseDelayMs"),
      maxDelayMs: nonNegativeInteger(options.retryMaxDelayMs ?? 10_000, "retryMaxDelayMs"),
    },
    fetch: options.fetch ?? globalThis.fetch,
    onRetry: options.onRetry,
  });
  const select = Object.fromEntries(LAUNCH_FIELDS.map((field) => [field, 1]));

  return {
    async listLaunchpads(signal) {
      return parseList(await request({ path: "/launchpads", signal }), parseLaunchpad);
    },
    listUpcomingLaunches(signal) {
      const fetchPage = (page: number) =>
        request({
          path: "/launches/query",
          body: { query: { upcoming: true }, options: { page, limit: pageSize, sort: { flight_number: "asc" }, select } },
          signal,
        });
      return readAllPages(fetchPage, pageSize, parseLaunch);
    },
  };
}

function parseList<T extends { readonly id: string }>(answer: JsonAnswer, parseDoc: (value: unknown, path: string) => T): T[] {
  try {
    const items = array(answer.body, "$").map((raw, index) => parseDoc(raw, `$[${index}]`));
    const ids = new Set(items.map((item) => item.id));
    if (ids.size !== items.length) throw new PayloadIssue("$", "the same id appears twice");
    return items;
  } catch (error) {
    if (!(error instanceof PayloadIssue)) throw error;
    throw new SpacexApiError("invalid_payload", `${answer.url}: ${error.message}`, { url: answer.url, cause: error });
  }
}

function baseUrlOf(value: string): string {
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`baseUrl must be http(s): ${value}`);
  return url.href.replace(/\/+$/, "");
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

import type { Doc } from "./fixtures.js";
import { isPlainObject, valueAt } from "./mongo-query.js";
import { projectDoc } from "./projection.js";
import { QueryError } from "./query-error.js";

/** A mongoose-paginate-v2 answer, the body of every `POST /v4/…/query`. */
export interface PaginateResult {
  docs: Doc[];
  totalDocs: number;
  offset?: number;
  limit: number;
  totalPages: number;
  page: number;
  pagingCounter: number;
  hasPrevPage: boolean;
  hasNextPage: boolean;
  prevPage: number | null;
  nextPage: number | null;
}

const KNOWN_OPTIONS = new Set(["page", "limit", "offset", "sort", "select", "pagination"]);
const DEFAULT_LIMIT = 10;
const SINGLE_PAGE = { hasPrevPage: false, hasNextPage: false, prevPage: null, nextPage: null } as const;

/**
 * Pages already-filtered documents the way mongoose-paginate-v2 does on the real API:
 * pages are 1-based and a page below 1 reads as page 1 (so `page: 0` repeats page 1),
 * `limit` defaults to 10, `limit: 0` returns no docs, `offset` wins over `page`, the
 * `offset` field appears only when an offset was given or neither was, and
 * `pagination: false` returns everything as a single page whose `limit` is the total.
 */
export function paginate(matching: readonly Doc[], rawOptions: unknown): PaginateResult {
  const options = rawOptions ?? {};
  if (!isPlainObject(options)) throw new QueryError("options must be an object");
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) throw new QueryError(`unsupported options: ${unknown.join(", ")}`);
  const pagination = options.pagination ?? true;
  if (typeof pagination !== "boolean") throw new QueryError("options.pagination must be a boolean");

  const requestedLimit = readInt(options.limit ?? DEFAULT_LIMIT, "limit");
  const limit = pagination ? Math.max(0, requestedLimit) : DEFAULT_LIMIT;
  let offset: number | undefined;
  let page: number;
  let skip: number;
  if (options.offset !== undefined) {
    offset = readInt(options.offset, "offset");
    if (offset < 0) throw new QueryError("options.offset must not be negative");
    skip = offset;
    page = Math.ceil((offset + 1) / limit);
  } else if (options.page !== undefined) {
    page = Math.max(1, readInt(options.page, "page"));
    skip = (page - 1) * limit;
  } else {
    offset = 0;
    page = 1;
    skip = 0;
  }
  if (!pagination && offset === undefined) page = 1;

  const ordered = sortDocs(matching, options.sort);
  const window = pagination ? ordered.slice(skip, skip + limit) : ordered;
  const docs = limit === 0 ? [] : window.map((doc) => projectDoc(doc, options.select));
  const totalDocs = matching.length;
  const head = { docs, totalDocs, ...(offset === undefined ? {} : { offset }) };
  if (limit === 0) return { ...head, limit: 0, totalPages: 1, page: 1, pagingCounter: 1, ...SINGLE_PAGE };
  const pagingCounter = (page - 1) * limit + 1;
  if (!pagination) return { ...head, limit: totalDocs, totalPages: 1, page, pagingCounter, ...SINGLE_PAGE };
  const totalPages = Math.ceil(totalDocs / limit) || 1;
  const hasPrevPage = page > 1 || (offset !== undefined && offset !== 0);
  const hasNextPage = page < totalPages;
  return {
    ...head,
    limit,
    totalPages,
    page,
    pagingCounter,
    hasPrevPage,
    hasNextPage,
    prevPage: page > 1 ? page - 1 : hasPrevPage ? 1 : null,
    nextPage: hasNextPage ? page + 1 : null,
  };
}

/**
 * Sorts like Mongoose: `sort` is `{ field: 1 | -1 | "asc" | "desc" | "ascending" |
 * "descending" }` or a string such as `"-date_utc name"`. Ties keep collection order.
 */
export function sortDocs(docs: readonly Doc[], sort: unknown): Doc[] {
  const keys = sortKeys(sort);
  return [...docs].sort((a, b) => {
    for (const [field, direction] of keys) {
      const order = compareForSort(valueAt(a, field), valueAt(b, field));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

function sortKeys(sort: unknown): Array<[string, 1 | -1]> {
  if (sort === undefined || sort === null || sort === "") return [];
  if (typeof sort === "string") {
    return sort
      .trim()
      .split(/\s+/)
      .map((word) => (word.startsWith("-") ? [word.slice(1), -1] : [word, 1]));
  }
  if (!isPlainObject(sort)) throw new QueryError("options.sort must be an object or a string");
  return Object.entries(sort).map(([field, direction]) => {
    if (direction === 1 || direction === "asc" || direction === "ascending") return [field, 1];
    if (direction === -1 || direction === "desc" || direction === "descending") return [field, -1];
    throw new QueryError(`Invalid sort value: {${field}: ${JSON.stringify(direction)}}`);
  });
}

/** Mongo's cross-type order for the kinds in the fixtures: missing/null < numbers < strings < objects < booleans. */
function compareForSort(a: unknown, b: unknown): number {
  const rank = (value: unknown) =>
    value === null || value === undefined ? 0 : typeof value === "number" ? 1 : typeof value === "string" ? 2 : typeof value === "boolean" ? 4 : 3;
  const byRank = rank(a) - rank(b);
  if (byRank !== 0 || rank(a) === 0 || rank(a) === 3) return byRank;
  return (a as number | string | boolean) < (b as number | string | boolean) ? -1 : a === b ? 0 : 1;
}

function readInt(value: unknown, name: string): number {
  const parsed = typeof value === "number" || typeof value === "string" ? Number.parseInt(String(value), 10) : Number.NaN;
  if (Number.isNaN(parsed)) throw new QueryError(`options.${name} must be a number, got ${JSON.stringify(value)}`);
  return parsed;
}

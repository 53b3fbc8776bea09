import type { PageTokenCodec } from "../../pkg/page-token/page-token.js";
import type { PageRequest } from "../app/ports.js";
import { invalidFields } from "../domain/errors.js";

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/**
 * AIP-158: page_size 0 means the default and larger sizes are clamped. The token is bound to
 * the request's filters (`scope`), so changing filters mid-walk is a clear INVALID_ARGUMENT.
 */
export function pageRequest(codec: PageTokenCodec, req: { pageSize: number; pageToken: string }, scope: string): PageRequest {
  const size = req.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(req.pageSize, MAX_PAGE_SIZE);
  if (req.pageToken === "") return { size, after: undefined };
  const after = codec.decode(req.pageToken, scope);
  if (after === undefined) {
    throw invalidFields([{ field: "page_token", rule: "page_token.valid", message: "is not a token returned by this list with the same filters" }]);
  }
  return { size, after };
}

export function nextPageToken(codec: PageTokenCodec, cursor: string | undefined, scope: string): string {
  return cursor === undefined ? "" : codec.encode(cursor, scope);
}

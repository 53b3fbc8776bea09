import type { Page } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";

/**
 * One page of a keyset-paginated list from rows fetched with `limit size + 1`: the extra row
 * only tells that a next page exists; the cursor is the position of the last row shown.
 */
export function keysetPage<R, T>(rows: readonly R[], size: number, toItem: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const last = rows.length > size ? rows[size - 1] : undefined;
  return { items: rows.slice(0, size).map(toItem), nextCursor: last && cursorOf(last) };
}

/**
 * A cursor that does not decode. Cursors arrive inside HMAC-signed page tokens (controller), yet
 * a token is only as safe as its key: one signed with a leaked key, or issued by an older
 * release, must still be bad input (INVALID_ARGUMENT), never a value that reaches SQL and fails
 * there. So every cursor is checked as strictly as a request field.
 */
export function invalidCursor(): DomainError {
  return new DomainError("invalid", "INVALID_PAGE_TOKEN", "page_token is not valid", {
    violations: [{ field: "page_token", rule: "page_token.valid", message: "is not a token this list returned" }],
  });
}

/** The cursor of a newest-first list keyed on an identity column (`seq`, decimal text). */
export function encodeSeqCursor(seq: string): string {
  return seq;
}

/** An identity column is a bigint: 1 to 2^63 - 1. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The seq in a cursor; anything but a positive bigint is INVALID_ARGUMENT page_token. */
export function decodeSeqCursor(cursor: string): string {
  if (!/^[1-9]\d{0,18}$/.test(cursor) || BigInt(cursor) > MAX_BIGINT) throw invalidCursor();
  return cursor;
}

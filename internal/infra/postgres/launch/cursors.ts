import { DomainError } from "../../../domain/errors.js";

/**
 * Keyset cursors. They arrive inside HMAC-signed page tokens (controller), so a malformed one
 * means a token from an older release, not tampering; it is still rejected cleanly.
 */
const badCursor = () =>
  new DomainError("invalid", "INVALID_PAGE_TOKEN", "page_token is not valid", {
    violations: [{ field: "page_token", rule: "page_token.valid", message: "is not a token this list returned" }],
  });

export function encodeBookingCursor(seq: string): string {
  return seq;
}

export function decodeBookingCursor(cursor: string): string {
  if (!/^\d{1,19}$/.test(cursor)) throw badCursor();
  return cursor;
}

export interface LaunchCursor {
  readonly date: string;
  readonly provider: string;
  readonly id: string;
}

export function encodeLaunchCursor(c: LaunchCursor): string {
  return JSON.stringify([c.date, c.provider, c.id]);
}

export function decodeLaunchCursor(cursor: string): LaunchCursor {
  try {
    const [date, provider, id] = JSON.parse(cursor) as unknown[];
    if (typeof date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(date) && (provider === "spacet" || provider === "spacex") && typeof id === "string") {
      return { date, provider, id };
    }
  } catch {
    // fall through
  }
  throw badCursor();
}

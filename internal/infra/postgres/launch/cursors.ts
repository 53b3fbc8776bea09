import { parseCalendarDate } from "../../../domain/calendar-date.js";
import { DomainError } from "../../../domain/errors.js";

/**
 * Keyset cursors. They arrive inside HMAC-signed page tokens (controller), yet a token is only as
 * safe as its key: one signed with a leaked key, or issued by an older release, must still be
 * bad input (INVALID_ARGUMENT), never a value that reaches SQL and fails there. So every cursor is
 * checked as strictly as a request field: the booking sequence fits a bigint, the launch date is
 * a real calendar date, the id has the shape its provider gives ids.
 */
const badCursor = () =>
  new DomainError("invalid", "INVALID_PAGE_TOKEN", "page_token is not valid", {
    violations: [{ field: "page_token", rule: "page_token.valid", message: "is not a token this list returned" }],
  });

/** bookings.seq is a bigint identity: 1 to 2^63 - 1. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** SpaceX's ids (24 hex digits today), kept to the characters and length a launchpad id may have. */
const SPACEX_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeBookingCursor(seq: string): string {
  return seq;
}

export function decodeBookingCursor(cursor: string): string {
  if (!/^[1-9]\d{0,18}$/.test(cursor) || BigInt(cursor) > MAX_BIGINT) throw badCursor();
  return cursor;
}

export interface LaunchCursor {
  readonly date: string;
  readonly provider: "spacet" | "spacex";
  readonly id: string;
}

export function encodeLaunchCursor(c: LaunchCursor): string {
  return JSON.stringify([c.date, c.provider, c.id]);
}

export function decodeLaunchCursor(cursor: string): LaunchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw badCursor();
  const [date, provider, id] = parsed as unknown[];
  if (typeof date !== "string" || !parseCalendarDate(date) || typeof id !== "string") throw badCursor();
  if (provider === "spacet" && UUID.test(id)) return { date, provider, id };
  if (provider === "spacex" && SPACEX_ID.test(id)) return { date, provider, id };
  throw badCursor();
}

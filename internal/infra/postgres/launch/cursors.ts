import { parseCalendarDate } from "../../../domain/calendar-date.js";
import { invalidCursor } from "../keyset-page.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** SpaceX's ids (24 hex digits today), kept to the characters and length a launchpad id may have. */
const SPACEX_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** ListLaunches position: after this date, provider and id (both providers in one stream). */
export interface LaunchCursor {
  readonly date: string;
  readonly provider: "spacet" | "spacex";
  readonly id: string;
}

export function encodeLaunchCursor(c: LaunchCursor): string {
  return JSON.stringify([c.date, c.provider, c.id]);
}

/** The launch date is a real calendar date and the id has the shape its provider gives ids, or the token is refused. */
export function decodeLaunchCursor(cursor: string): LaunchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalidCursor();
  const [date, provider, id] = parsed as unknown[];
  if (typeof date !== "string" || !parseCalendarDate(date) || typeof id !== "string") throw invalidCursor();
  if (provider === "spacet" && UUID.test(id)) return { date, provider, id };
  if (provider === "spacex" && SPACEX_ID.test(id)) return { date, provider, id };
  throw invalidCursor();
}

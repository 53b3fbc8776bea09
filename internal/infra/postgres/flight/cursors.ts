import { invalidCursor } from "../keyset-page.js";

// Checked strictly before anything reaches SQL: an instant in toISOString's exact form and a
// lower-case uuid, or the token is refused.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Search position: after this departure time and flight id. */
export interface FlightCursor {
  readonly departureTime: Date;
  readonly id: string;
}

/** The cursor after a search row: its departure time (ISO, milliseconds) and id. */
export function encodeFlightCursor(c: FlightCursor): string {
  return JSON.stringify([c.departureTime.toISOString(), c.id]);
}

/** The search position in a cursor; anything else is INVALID_ARGUMENT page_token. */
export function decodeFlightCursor(cursor: string): FlightCursor {
  try {
    const parsed = JSON.parse(cursor) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [time, id] = parsed as unknown[];
      if (typeof time === "string" && ISO_INSTANT.test(time) && typeof id === "string" && UUID.test(id)) {
        const departureTime = new Date(time);
        if (!Number.isNaN(departureTime.getTime())) return { departureTime, id };
      }
    }
  } catch {
    // refused below
  }
  throw invalidCursor();
}

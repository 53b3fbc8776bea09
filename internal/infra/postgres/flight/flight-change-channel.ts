/**
 * The channel that carries flight changes between replicas: one notification per changed
 * flight, payload `<flight_id>:<version>` (nothing else: a payload is capped at 8,000 bytes and
 * every listener reads the flight itself).
 */
export const FLIGHT_CHANGES_CHANNEL = "spacet_flight_changes";

/** The flight id and version of a notification's payload; undefined for anything else. */
export function parseFlightChange(payload: string | undefined): { flightId: string; version: number } | undefined {
  const match = /^([0-9a-f-]{36}):([0-9]+)$/.exec(payload ?? "");
  if (!match) return undefined;
  return { flightId: match[1], version: Number(match[2]) };
}

import type { FlightPlan } from "../flight.js";

/** "Now" of the domain tests. */
export const NOW = new Date("2049-03-01T12:00:00Z");

/**
 * A valid plan as of {@link NOW}: AR1234 from Buenos Aires, leaving at 01:30 UTC on the 11th,
 * which is still the 10th there (UTC-3); tests override what they exercise.
 */
export function testPlan(overrides: Partial<FlightPlan> = {}): FlightPlan {
  return {
    code: "AR1234",
    airline: "Aerolineas",
    aircraftType: "A330",
    origin: "EZE",
    destination: "MAD",
    originTimeZone: "America/Argentina/Buenos_Aires",
    departureTime: new Date("2049-03-11T01:30:00Z"),
    arrivalTime: new Date("2049-03-11T13:30:00Z"),
    capacity: { window: 2, aisle: 0, middle: 1 },
    price: { currency: "EUR", amountMinor: 12_999 },
    offerDurationMs: 3 * 86_400_000,
    ...overrides,
  };
}

import { flightClosed } from "../../domain/flight/events.js";
import type { Call, CounterMetric } from "../ports.js";
import { type FlightChanges, type FlightUnitOfWork, NO_FLIGHT_CHANGES } from "./ports.js";

/** Flights closed per transaction: keeps each transaction (and its row locks) short. */
const CLOSE_BATCH = 500;

/**
 * The offer expiry job: closes every open flight whose offer window ended (OFFER_EXPIRED) and
 * writes one FlightClosed each, a batch per transaction. Safe on every replica at once: the
 * update is conditional on the flight still being open and skips rows others hold, so each
 * flight is closed, and announced, exactly once. A flight that expired while no replica ran
 * is closed by the first call after start. Returns how many it closed; `closed` counts them
 * (reason offer_expired) batch by batch as each commits, so a later batch failing loses no count.
 */
export function createCloseExpiredFlights(deps: { uow: FlightUnitOfWork; closed?: CounterMetric<"reason">; changes?: FlightChanges }) {
  const changes = deps.changes ?? NO_FLIGHT_CHANGES;
  return async (call?: Call): Promise<number> => {
    let total = 0;
    for (;;) {
      const closed = await deps.uow.run(async (tx) => {
        const flights = await tx.flights.closeExpired(CLOSE_BATCH);
        await tx.outbox.add(flights.map(flightClosed));
        return flights.map((f) => f.id);
      }, call);
      changes.changed(closed);
      deps.closed?.inc({ reason: "offer_expired" }, closed.length);
      total += closed.length;
      if (closed.length < CLOSE_BATCH) return total;
    }
  };
}
export type CloseExpiredFlights = ReturnType<typeof createCloseExpiredFlights>;

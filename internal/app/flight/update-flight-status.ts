import { DomainError } from "../../domain/errors.js";
import { flightClosed, flightStatusChanged } from "../../domain/flight/events.js";
import type { Flight, OperationalStatus } from "../../domain/flight/flight.js";
import { changeOperationalStatus } from "../../domain/flight/operational-status.js";
import type { Call, Clock, CounterMetric } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import { type FlightChanges, type FlightUnitOfWork, NO_FLIGHT_CHANGES } from "./ports.js";

export interface StatusUpdate {
  readonly flightId: string;
  readonly operationalStatus: OperationalStatus;
  readonly estimatedDepartureTime?: Date;
  /** Apply only while the flight is at this version (ABORTED otherwise). */
  readonly expectedVersion?: number;
}

/**
 * Moves a flight's operational status (operators), under the flight's row lock so it is
 * ordered with the bookings: FlightStatusChanged, and FlightClosed when BOARDING or DEPARTED
 * closes the offer; `closed` counts that close (reason departed) once the transaction committed.
 */
export function createUpdateFlightStatus(deps: { uow: FlightUnitOfWork; clock: Clock; closed?: CounterMetric<"reason">; changes?: FlightChanges }) {
  const changes = deps.changes ?? NO_FLIGHT_CHANGES;
  return async (update: StatusUpdate, call?: Call): Promise<Flight> => {
    const change = await deps.uow.run(async (tx) => {
      const current = await tx.flights.lock(update.flightId);
      if (!current) throw flightNotFound(update.flightId);
      if (update.expectedVersion !== undefined && update.expectedVersion !== current.version) {
        throw new DomainError("conflict", "VERSION_MISMATCH", `flight ${current.id} is at version ${current.version}, not ${update.expectedVersion}`, {
          metadata: { flight_id: current.id, version: String(current.version) },
        });
      }
      const change = changeOperationalStatus(current, update.operationalStatus, update.estimatedDepartureTime, deps.clock());
      await tx.flights.update(change.flight);
      const events = [flightStatusChanged(change.flight, change.previous)];
      if (change.closedOffer) events.push(flightClosed(change.flight));
      await tx.outbox.add(events);
      return change;
    }, call);
    changes.changed([change.flight.id]);
    if (change.closedOffer && change.flight.closeReason) deps.closed?.inc({ reason: change.flight.closeReason });
    return change.flight;
  };
}
export type UpdateFlightStatus = ReturnType<typeof createUpdateFlightStatus>;

import { DomainError, invalidFields } from "../errors.js";
import type { Flight, OperationalStatus } from "./flight.js";

/**
 * The legal moves: SCHEDULED → ON_TIME | DELAYED → BOARDING → DEPARTED → ARRIVED, and
 * DELAYED ↔ ON_TIME. DELAYED → DELAYED is how a new estimated departure is announced.
 */
const NEXT: Readonly<Record<OperationalStatus, readonly OperationalStatus[]>> = {
  scheduled: ["on_time", "delayed"],
  on_time: ["delayed", "boarding"],
  delayed: ["on_time", "delayed", "boarding"],
  boarding: ["departed"],
  departed: ["arrived"],
  arrived: [],
};

/** Whether the flight has left (or landed): seats no longer come back, the flight cannot be cancelled. */
export function hasDeparted(status: OperationalStatus): boolean {
  return status === "departed" || status === "arrived";
}

/** The result of a status change: the flight after it, and whether it closed the offer. */
export interface StatusChange {
  readonly flight: Flight;
  readonly previous: OperationalStatus;
  readonly closedOffer: boolean;
}

/**
 * Moves the operational status. An illegal move, or any move of a cancelled flight, is
 * FAILED_PRECONDITION; an estimated departure goes only with DELAYED (INVALID_ARGUMENT). BOARDING
 * and DEPARTED close an open offer with reason "departed". Version + 1.
 */
export function changeOperationalStatus(flight: Flight, next: OperationalStatus, estimatedDeparture: Date | undefined, now: Date): StatusChange {
  if (estimatedDeparture && next !== "delayed") {
    throw invalidFields([{ field: "estimated_departure_time", rule: "flight.estimate_with_delay", message: "goes only with operational status DELAYED" }]);
  }
  if (flight.status === "cancelled") {
    throw new DomainError("precondition", "FLIGHT_CANCELLED", `flight ${flight.id} is cancelled`, { metadata: { flight_id: flight.id } });
  }
  const sameDelay = next === "delayed" && flight.operationalStatus === "delayed" && !estimatedDeparture;
  if (!NEXT[flight.operationalStatus].includes(next) || sameDelay) {
    throw new DomainError(
      "precondition",
      "ILLEGAL_STATUS_TRANSITION",
      `flight ${flight.id} cannot go from ${flight.operationalStatus.toUpperCase()} to ${next.toUpperCase()}${sameDelay ? " without a new estimated departure" : ""}`,
      { metadata: { flight_id: flight.id, from: flight.operationalStatus.toUpperCase(), to: next.toUpperCase() } },
    );
  }
  const closes = (next === "boarding" || next === "departed") && flight.status === "open";
  return {
    previous: flight.operationalStatus,
    closedOffer: closes,
    flight: {
      ...flight,
      operationalStatus: next,
      estimatedDepartureTime: next === "delayed" ? (estimatedDeparture ?? flight.estimatedDepartureTime) : undefined,
      status: closes ? "closed" : flight.status,
      closeReason: closes ? "departed" : flight.closeReason,
      version: flight.version + 1,
      updatedAt: now,
    },
  };
}

import { DomainError } from "../errors.js";
import type { CloseReason, Flight, FlightStatus } from "./flight.js";
import type { SeatCounts } from "./seat-class.js";

/** What a flight can sell right now: the detail a refused booking carries. */
export interface FlightAvailability {
  readonly flightId: string;
  readonly status: FlightStatus;
  readonly closeReason: CloseReason | undefined;
  readonly capacity: SeatCounts;
  readonly available: SeatCounts;
  readonly version: number;
  readonly offerExpiresAt: Date;
}

/** What the flight can sell right now. */
export function availabilityOf(f: Flight): FlightAvailability {
  return {
    flightId: f.id,
    status: f.status,
    closeReason: f.closeReason,
    capacity: f.capacity,
    available: f.available,
    version: f.version,
    offerExpiresAt: f.offerExpiresAt,
  };
}

/** Why a flight refused a booking whose request was valid. */
export type UnavailableReason = "INSUFFICIENT_SEATS" | "FLIGHT_CLOSED" | "FLIGHT_CANCELLED";

const MESSAGES: Readonly<Record<UnavailableReason, string>> = {
  INSUFFICIENT_SEATS: "not enough seats left in the classes asked for",
  FLIGHT_CLOSED: "the flight sells no more seats",
  FLIGHT_CANCELLED: "the flight is cancelled",
};

/**
 * A booking the flight cannot take as things stand (FAILED_PRECONDITION, never
 * RESOURCE_EXHAUSTED: REST clients read 429 as "slow down"). It carries the flight's current
 * availability so the client can choose other seats or another flight without asking again.
 */
export class FlightUnavailableError extends DomainError {
  constructor(
    reason: UnavailableReason,
    readonly availability: FlightAvailability,
  ) {
    const why = availability.closeReason ? ` (${availability.closeReason.toUpperCase()})` : "";
    super("precondition", reason, `${MESSAGES[reason]}${reason === "FLIGHT_CLOSED" ? why : ""}`, {
      metadata: { flight_id: availability.flightId, status: availability.status.toUpperCase(), version: String(availability.version) },
    });
  }
}

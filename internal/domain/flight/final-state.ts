import type { Flight } from "./flight.js";

/**
 * Whether nothing can change the flight any more, so a watcher has seen its last version:
 * cancelled (no status move, booking or cancellation touches it again), or ARRIVED (the end of
 * the operational machine; from DEPARTED on bookings are refused and no seat comes back). A
 * closed flight is not final: SOLD_OUT reopens when a booking is cancelled, and even a flight
 * closed for OFFER_EXPIRED or DEPARTED still moves on to ARRIVED or gets cancelled.
 */
export function isFinal(flight: Pick<Flight, "status" | "operationalStatus">): boolean {
  return flight.status === "cancelled" || flight.operationalStatus === "arrived";
}

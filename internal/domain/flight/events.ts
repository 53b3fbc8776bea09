import type { FlightAvailability } from "./availability.js";
import { availabilityOf } from "./availability.js";
import type { Flight, OperationalStatus } from "./flight.js";
import type { FlightBooking } from "./flight-booking.js";

/** Flight events belong to the flight: its bookings and changes are one story, in commit order. */
export const FLIGHT_AGGREGATE = "flight";

interface FlightEventBase {
  readonly aggregateType: typeof FLIGHT_AGGREGATE;
  /** The flight id. */
  readonly aggregateId: string;
  /** When the change happened. */
  readonly at: Date;
}

/** What happened to a flight and its bookings, as the rest of the company hears it. */
export type FlightEvent =
  | (FlightEventBase & { readonly type: "FlightCreated"; readonly flight: Flight })
  | (FlightEventBase & { readonly type: "FlightAvailabilityChanged"; readonly availability: FlightAvailability })
  | (FlightEventBase & { readonly type: "FlightClosed"; readonly availability: FlightAvailability })
  | (FlightEventBase & { readonly type: "FlightReopened"; readonly availability: FlightAvailability })
  | (FlightEventBase & { readonly type: "FlightStatusChanged"; readonly flight: Flight; readonly previous: OperationalStatus })
  | (FlightEventBase & { readonly type: "FlightCancelled"; readonly flight: Flight; readonly bookingsCancelled: number })
  | (FlightEventBase & { readonly type: "FlightBookingConfirmed"; readonly booking: FlightBooking; readonly flightVersion: number })
  | (FlightEventBase & {
      readonly type: "FlightBookingCancelled";
      readonly booking: FlightBooking;
      readonly flightVersion: number;
      readonly seatsReturned: boolean;
    });

const base = (flight: Pick<Flight, "id" | "updatedAt">) => ({ aggregateType: FLIGHT_AGGREGATE, aggregateId: flight.id, at: flight.updatedAt }) as const;

export function flightCreated(flight: Flight): FlightEvent {
  return { type: "FlightCreated", ...base(flight), at: flight.createdAt, flight };
}

export function availabilityChanged(flight: Flight): FlightEvent {
  return { type: "FlightAvailabilityChanged", ...base(flight), availability: availabilityOf(flight) };
}

export function flightClosed(flight: Flight): FlightEvent {
  if (flight.status !== "closed") throw new Error(`flight ${flight.id} is not closed`);
  return { type: "FlightClosed", ...base(flight), availability: availabilityOf(flight) };
}

export function flightReopened(flight: Flight): FlightEvent {
  return { type: "FlightReopened", ...base(flight), availability: availabilityOf(flight) };
}

export function flightStatusChanged(flight: Flight, previous: OperationalStatus): FlightEvent {
  return { type: "FlightStatusChanged", ...base(flight), flight, previous };
}

export function flightCancelled(flight: Flight, bookingsCancelled: number): FlightEvent {
  return { type: "FlightCancelled", ...base(flight), flight, bookingsCancelled };
}

/** A booking confirmed while the flight moved to `flight.version` (the coordinator writes these in SQL; see 0009). */
export function bookingConfirmed(booking: FlightBooking, flight: Pick<Flight, "id" | "version" | "updatedAt">): FlightEvent {
  return { type: "FlightBookingConfirmed", ...base(flight), at: booking.createdAt, booking, flightVersion: flight.version };
}

export function bookingCancelled(booking: FlightBooking, flight: Flight, seatsReturned: boolean): FlightEvent {
  if (booking.status !== "cancelled" || !booking.cancelledAt) throw new Error(`booking ${booking.id} is not cancelled`);
  return { type: "FlightBookingCancelled", ...base(flight), at: booking.cancelledAt, booking, flightVersion: flight.version, seatsReturned };
}

import type { Selectable } from "kysely";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { FlightAvailability } from "../../../domain/flight/availability.js";
import type { CloseReason, Flight, FlightStatus, OperationalStatus } from "../../../domain/flight/flight.js";
import type { FlightBooking, FlightBookingCancelReason, FlightBookingStatus } from "../../../domain/flight/flight-booking.js";
import type { SeatCounts } from "../../../domain/flight/seat-class.js";
import type { FlightBookingTable, FlightTable } from "../schema.js";

/** The availability columns of a flight row (also of a coordinator outcome row). */
export type AvailabilityColumns = Pick<
  Selectable<FlightTable>,
  | "status"
  | "close_reason"
  | "window_capacity"
  | "window_available"
  | "aisle_capacity"
  | "aisle_available"
  | "middle_capacity"
  | "middle_available"
  | "version"
  | "offer_expires_at"
>;

/** The availability part of a flight row (or of a coordinator outcome row). */
export function toAvailability(flightId: string, row: AvailabilityColumns): FlightAvailability {
  return {
    flightId,
    status: row.status as FlightStatus,
    closeReason: (row.close_reason ?? undefined) as CloseReason | undefined,
    capacity: { window: row.window_capacity, aisle: row.aisle_capacity, middle: row.middle_capacity },
    available: { window: row.window_available, aisle: row.aisle_available, middle: row.middle_available },
    version: Number(row.version),
    offerExpiresAt: row.offer_expires_at,
  };
}

/** A flights row as the domain's Flight. */
export function toFlight(row: Selectable<FlightTable>): Flight {
  const a = toAvailability(row.id, row);
  return {
    id: row.id,
    code: row.flight_code,
    airline: row.airline,
    aircraftType: row.aircraft_type,
    origin: row.origin,
    destination: row.destination,
    originTimeZone: row.origin_time_zone,
    departureTime: row.departure_time,
    arrivalTime: row.arrival_time,
    departureDate: row.departure_date_local as CalendarDate,
    capacity: a.capacity,
    available: a.available,
    price: { currency: row.currency, amountMinor: Number(row.price_minor) },
    offerExpiresAt: row.offer_expires_at,
    status: a.status,
    closeReason: a.closeReason,
    operationalStatus: row.operational_status as OperationalStatus,
    estimatedDepartureTime: row.estimated_departure_time ?? undefined,
    version: a.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns of a flight that change after it is created. */
export function flightChanges(f: Flight) {
  return {
    window_available: f.available.window,
    aisle_available: f.available.aisle,
    middle_available: f.available.middle,
    status: f.status,
    close_reason: f.closeReason ?? null,
    operational_status: f.operationalStatus,
    estimated_departure_time: f.estimatedDepartureTime ?? null,
    version: f.version,
    updated_at: f.updatedAt,
  };
}

/** The booking columns of a flight_bookings row (also of a coordinator outcome row). */
export type BookingColumns = Omit<Selectable<FlightBookingTable>, "seq">;

/** The seats of a booking row, per class. */
export function seatsOf(row: Pick<BookingColumns, "window_seats" | "aisle_seats" | "middle_seats">): SeatCounts {
  return { window: row.window_seats, aisle: row.aisle_seats, middle: row.middle_seats };
}

/** A flight_bookings row (or the booking part of a coordinator outcome row) as the domain's FlightBooking. */
export function toFlightBooking(row: BookingColumns): FlightBooking {
  return {
    id: row.id,
    flightId: row.flight_id,
    userId: row.user_id,
    userName: row.user_name,
    seats: seatsOf(row),
    totalPrice: { currency: row.currency, amountMinor: Number(row.total_price_minor) },
    status: row.status as FlightBookingStatus,
    cancelReason: (row.cancel_reason ?? undefined) as FlightBookingCancelReason | undefined,
    cancelledAt: row.cancelled_at ?? undefined,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at,
  };
}

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type FlightBooking as FlightBookingMsg,
  FlightBookingCancelReason,
  FlightBookingSchema,
  FlightBookingStatus,
} from "../../../gen/spacet/v1/flight_booking_pb.js";
import {
  type FlightAvailability as FlightAvailabilityMsg,
  FlightAvailabilitySchema,
  FlightCloseReason,
  type Flight as FlightMsg,
  FlightSchema,
  FlightStatus,
  OperationalStatus,
  SeatClass,
} from "../../../gen/spacet/v1/flight_pb.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import { availabilityOf, type FlightAvailability } from "../../domain/flight/availability.js";
import type { Flight } from "../../domain/flight/flight.js";
import type { FlightBooking } from "../../domain/flight/flight-booking.js";
import type { Money } from "../../domain/flight/money.js";
import { SEAT_CLASSES, type SeatCounts } from "../../domain/flight/seat-class.js";

const price = (m: Money) => ({ currencyCode: m.currency, amountMinor: BigInt(m.amountMinor) });

const inventory = (capacity: SeatCounts, available: SeatCounts) =>
  SEAT_CLASSES.map((c) => ({ seatClass: toProtoEnum(SeatClass, c), capacity: capacity[c], available: available[c] }));

const closeReason = (r: Flight["closeReason"]) => (r ? toProtoEnum(FlightCloseReason, r) : FlightCloseReason.UNSPECIFIED);

/** spacet.v1.FlightAvailability: every class in the order WINDOW, AISLE, MIDDLE. */
export function availabilityToProto(a: FlightAvailability): FlightAvailabilityMsg {
  return create(FlightAvailabilitySchema, {
    flightId: a.flightId,
    status: toProtoEnum(FlightStatus, a.status),
    closeReason: closeReason(a.closeReason),
    seats: inventory(a.capacity, a.available),
    version: BigInt(a.version),
    offerExpireTime: timestampFromDate(a.offerExpiresAt),
  });
}

/** spacet.v1.Flight. */
export function flightToProto(f: Flight): FlightMsg {
  const a = availabilityOf(f);
  return create(FlightSchema, {
    flightId: f.id,
    flightCode: f.code,
    airline: f.airline,
    aircraftType: f.aircraftType,
    origin: f.origin,
    destination: f.destination,
    originTimeZone: f.originTimeZone,
    departureTime: timestampFromDate(f.departureTime),
    arrivalTime: timestampFromDate(f.arrivalTime),
    departureDate: f.departureDate,
    seats: inventory(a.capacity, a.available),
    price: price(f.price),
    offerExpireTime: timestampFromDate(f.offerExpiresAt),
    status: toProtoEnum(FlightStatus, f.status),
    closeReason: closeReason(f.closeReason),
    operationalStatus: toProtoEnum(OperationalStatus, f.operationalStatus),
    estimatedDepartureTime: f.estimatedDepartureTime && timestampFromDate(f.estimatedDepartureTime),
    version: BigInt(f.version),
    createTime: timestampFromDate(f.createdAt),
    updateTime: timestampFromDate(f.updatedAt),
  });
}

/** spacet.v1.FlightBooking: only the classes with seats. */
export function flightBookingToProto(b: FlightBooking): FlightBookingMsg {
  return create(FlightBookingSchema, {
    bookingId: b.id,
    flightId: b.flightId,
    userId: b.userId,
    userName: b.userName,
    seats: SEAT_CLASSES.filter((c) => b.seats[c] > 0).map((c) => ({ seatClass: toProtoEnum(SeatClass, c), count: b.seats[c] })),
    totalPrice: price(b.totalPrice),
    status: toProtoEnum(FlightBookingStatus, b.status),
    cancelReason: b.cancelReason ? toProtoEnum(FlightBookingCancelReason, b.cancelReason) : FlightBookingCancelReason.UNSPECIFIED,
    requestId: b.requestId ?? "",
    createTime: timestampFromDate(b.createdAt),
    cancelTime: b.cancelledAt && timestampFromDate(b.cancelledAt),
  });
}

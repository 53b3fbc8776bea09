import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  FlightAvailabilityChangedSchema,
  FlightBookingCancelledSchema,
  FlightBookingConfirmedSchema,
  FlightCancelledSchema,
  FlightClosedSchema,
  FlightCreatedSchema,
  FlightReopenedSchema,
  FlightStatusChangedSchema,
} from "../../../../gen/spacet/events/v1/flight_events_pb.js";
import { FlightBookingCancelReason } from "../../../../gen/spacet/v1/flight_booking_pb.js";
import { FlightCloseReason, type FlightAvailabilitySchema, FlightStatus, OperationalStatus, SeatClass } from "../../../../gen/spacet/v1/flight_pb.js";
import { toProtoEnum } from "../../../../pkg/proto-enum/proto-enum.js";
import { availabilityOf, type FlightAvailability } from "../../../domain/flight/availability.js";
import type { FlightEvent } from "../../../domain/flight/events.js";
import type { Money } from "../../../domain/flight/money.js";
import { SEAT_CLASSES, type SeatCounts } from "../../../domain/flight/seat-class.js";
import { type AggregateEncoders, protoEncoder } from "../event-encoding.js";

// The coordinator writes FlightBookingConfirmed, FlightAvailabilityChanged and FlightClosed in
// SQL (migrations/postgresql/0009_flight_coordinator.sql); these encoders are the reference
// both must agree with (seat-statement.test.ts compares them).

const availability = (a: FlightAvailability): MessageInitShape<typeof FlightAvailabilitySchema> => ({
  flightId: a.flightId,
  status: toProtoEnum(FlightStatus, a.status),
  closeReason: a.closeReason ? toProtoEnum(FlightCloseReason, a.closeReason) : FlightCloseReason.UNSPECIFIED,
  seats: SEAT_CLASSES.map((c) => ({ seatClass: toProtoEnum(SeatClass, c), capacity: a.capacity[c], available: a.available[c] })),
  version: BigInt(a.version),
  offerExpireTime: timestampFromDate(a.offerExpiresAt),
});

const seats = (s: SeatCounts) => SEAT_CLASSES.filter((c) => s[c] > 0).map((c) => ({ seatClass: toProtoEnum(SeatClass, c), count: s[c] }));
const price = (m: Money) => ({ currencyCode: m.currency, amountMinor: BigInt(m.amountMinor) });

/** The flight aggregate's events as their protos/spacet/events/v1 messages. */
export const FLIGHT_EVENT_ENCODERS: AggregateEncoders<FlightEvent> = {
  FlightCreated: protoEncoder(FlightCreatedSchema, ({ flight: f, at }) => ({
    flightId: f.id,
    flightCode: f.code,
    origin: f.origin,
    destination: f.destination,
    departureDate: f.departureDate,
    departureTime: timestampFromDate(f.departureTime),
    arrivalTime: timestampFromDate(f.arrivalTime),
    price: price(f.price),
    availability: availability(availabilityOf(f)),
    createTime: timestampFromDate(at),
  })),
  FlightAvailabilityChanged: protoEncoder(FlightAvailabilityChangedSchema, (e) => ({
    flightId: e.aggregateId,
    availability: availability(e.availability),
    changeTime: timestampFromDate(e.at),
  })),
  FlightClosed: protoEncoder(FlightClosedSchema, (e) => ({
    flightId: e.aggregateId,
    closeReason: e.availability.closeReason ? toProtoEnum(FlightCloseReason, e.availability.closeReason) : FlightCloseReason.UNSPECIFIED,
    availability: availability(e.availability),
    closeTime: timestampFromDate(e.at),
  })),
  FlightReopened: protoEncoder(FlightReopenedSchema, (e) => ({
    flightId: e.aggregateId,
    availability: availability(e.availability),
    reopenTime: timestampFromDate(e.at),
  })),
  FlightStatusChanged: protoEncoder(FlightStatusChangedSchema, ({ flight: f, previous, at }) => ({
    flightId: f.id,
    previousStatus: toProtoEnum(OperationalStatus, previous),
    operationalStatus: toProtoEnum(OperationalStatus, f.operationalStatus),
    estimatedDepartureTime: f.estimatedDepartureTime && timestampFromDate(f.estimatedDepartureTime),
    version: BigInt(f.version),
    changeTime: timestampFromDate(at),
  })),
  FlightCancelled: protoEncoder(FlightCancelledSchema, ({ flight: f, bookingsCancelled, at }) => ({
    flightId: f.id,
    bookingsCancelled,
    version: BigInt(f.version),
    cancelTime: timestampFromDate(at),
  })),
  FlightBookingConfirmed: protoEncoder(FlightBookingConfirmedSchema, ({ booking: b, flightVersion }) => ({
    bookingId: b.id,
    flightId: b.flightId,
    userId: b.userId,
    seats: seats(b.seats),
    totalPrice: price(b.totalPrice),
    requestId: b.requestId ?? "",
    flightVersion: BigInt(flightVersion),
    createTime: timestampFromDate(b.createdAt),
  })),
  FlightBookingCancelled: protoEncoder(FlightBookingCancelledSchema, ({ booking: b, flightVersion, seatsReturned, at }) => ({
    bookingId: b.id,
    flightId: b.flightId,
    userId: b.userId,
    seats: seats(b.seats),
    reason: b.cancelReason ? toProtoEnum(FlightBookingCancelReason, b.cancelReason) : FlightBookingCancelReason.UNSPECIFIED,
    seatsReturned,
    flightVersion: BigInt(flightVersion),
    cancelTime: timestampFromDate(at),
  })),
};

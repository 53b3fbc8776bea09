import { create, type JsonObject, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BookingCancelledSchema, BookingCreatedSchema, LaunchCancelledSchema, LaunchCancelReason } from "../../../gen/spacet/events/v1/launch_events_pb.js";
import { CancellationReason } from "../../../gen/spacet/v1/booking_pb.js";
import { Destination } from "../../../gen/spacet/v1/launch_pb.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import type { DomainEvent } from "../../domain/launch/events.js";

/** Event type names on the wire: the protobuf message's full name (also `ce-type`). */
export const EVENT_TYPES = {
  BookingCreated: BookingCreatedSchema.typeName,
  BookingCancelled: BookingCancelledSchema.typeName,
  LaunchCancelled: LaunchCancelledSchema.typeName,
} as const;

export interface EncodedEvent {
  readonly aggregateType: "launch";
  readonly aggregateId: string;
  readonly eventType: string;
  /** The protobuf JSON mapping of the event message. */
  readonly payload: JsonObject;
}

/** Encodes a domain event as its events/v1 protobuf message in JSON form. */
export function encodeEvent(event: DomainEvent): EncodedEvent {
  const base = { aggregateType: "launch" as const, aggregateId: event.aggregateId, eventType: EVENT_TYPES[event.type] };
  switch (event.type) {
    case "BookingCreated": {
      const { booking: b, launch } = event;
      const msg = create(BookingCreatedSchema, {
        bookingId: b.id,
        launchId: launch.id,
        launchpadId: b.launchpadId,
        destination: toProtoEnum(Destination, b.destination),
        launchDate: b.launchDate,
        createTime: timestampFromDate(b.createdAt),
        bookedSeats: launch.bookedSeats,
        capacity: launch.capacity,
      });
      return { ...base, payload: toJson(BookingCreatedSchema, msg) as JsonObject };
    }
    case "BookingCancelled": {
      const { booking: b } = event;
      const msg = create(BookingCancelledSchema, {
        bookingId: b.id,
        launchId: b.launchId,
        launchpadId: b.launchpadId,
        destination: toProtoEnum(Destination, b.destination),
        launchDate: b.launchDate,
        reason: toProtoEnum(CancellationReason, event.reason),
        spacexLaunchId: event.spacexLaunchId ?? "",
        cancelTime: b.cancellation && timestampFromDate(b.cancellation.cancelledAt),
      });
      return { ...base, payload: toJson(BookingCancelledSchema, msg) as JsonObject };
    }
    case "LaunchCancelled": {
      const { launch: l } = event;
      const msg = create(LaunchCancelledSchema, {
        launchId: l.id,
        launchpadId: l.launchpadId,
        destination: toProtoEnum(Destination, l.destination),
        launchDate: l.launchDate,
        reason: toProtoEnum(LaunchCancelReason, event.reason),
        spacexLaunchId: l.spacexLaunchId ?? "",
        cancelTime: l.cancelledAt && timestampFromDate(l.cancelledAt),
      });
      return { ...base, payload: toJson(LaunchCancelledSchema, msg) as JsonObject };
    }
  }
}

import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BookingCancelledSchema, BookingCreatedSchema, LaunchCancelledSchema, LaunchCancelReason } from "../../../../gen/spacet/events/v1/launch_events_pb.js";
import { CancellationReason } from "../../../../gen/spacet/v1/booking_pb.js";
import { Destination } from "../../../../gen/spacet/v1/launch_pb.js";
import { toProtoEnum } from "../../../../pkg/proto-enum/proto-enum.js";
import type { LaunchEvent } from "../../../domain/launch/events.js";
import { type AggregateEncoders, protoEncoder } from "../event-encoding.js";

/** The launch aggregate's events as their protos/spacet/events/v1 messages. */
export const LAUNCH_EVENT_ENCODERS: AggregateEncoders<LaunchEvent> = {
  BookingCreated: protoEncoder(BookingCreatedSchema, ({ booking: b, launch }) => ({
    bookingId: b.id,
    launchId: launch.id,
    launchpadId: b.launchpadId,
    destination: toProtoEnum(Destination, b.destination),
    launchDate: b.launchDate,
    createTime: timestampFromDate(b.createdAt),
    bookedSeats: launch.bookedSeats,
    capacity: launch.capacity,
  })),
  BookingCancelled: protoEncoder(BookingCancelledSchema, ({ booking: b, reason, spacexLaunchId }) => ({
    bookingId: b.id,
    launchId: b.launchId,
    launchpadId: b.launchpadId,
    destination: toProtoEnum(Destination, b.destination),
    launchDate: b.launchDate,
    reason: toProtoEnum(CancellationReason, reason),
    spacexLaunchId: spacexLaunchId ?? "",
    cancelTime: b.cancellation && timestampFromDate(b.cancellation.cancelledAt),
  })),
  LaunchCancelled: protoEncoder(LaunchCancelledSchema, ({ launch: l, reason }) => ({
    launchId: l.id,
    launchpadId: l.launchpadId,
    destination: toProtoEnum(Destination, l.destination),
    launchDate: l.launchDate,
    reason: toProtoEnum(LaunchCancelReason, reason),
    spacexLaunchId: l.spacexLaunchId ?? "",
    cancelTime: l.cancelledAt && timestampFromDate(l.cancelledAt),
  })),
};

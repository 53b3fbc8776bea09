import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Booking as BookingMsg, BookingSchema, BookingStatus, CancellationReason, Gender } from "../../../gen/spacet/v1/booking_pb.js";
import { DatePrecision, Destination, type Launch as LaunchMsg, LaunchProvider, LaunchSchema, LaunchStatus } from "../../../gen/spacet/v1/launch_pb.js";
import { type Launchpad as LaunchpadMsg, LaunchpadSchema, LaunchpadStatus } from "../../../gen/spacet/v1/launchpad_pb.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import type { LaunchListItem } from "../../app/launch/ports.js";
import type { Booking } from "../../domain/launch/booking.js";
import { blocksPad } from "../../domain/launch/launch.js";
import type { Launchpad } from "../../domain/launch/launchpad.js";

export function bookingToProto(b: Booking): BookingMsg {
  return create(BookingSchema, {
    ticketId: b.id,
    firstName: b.firstName,
    lastName: b.lastName,
    gender: toProtoEnum(Gender, b.gender),
    birthday: b.birthday,
    launchpadId: b.launchpadId,
    destination: toProtoEnum(Destination, b.destination),
    launchDate: b.launchDate,
    launchId: b.launchId,
    status: toProtoEnum(BookingStatus, b.status),
    cancellation: b.cancellation && {
      reason: toProtoEnum(CancellationReason, b.cancellation.reason),
      spacexLaunchId: b.cancellation.spacexLaunchId ?? "",
      cancelTime: timestampFromDate(b.cancellation.cancelledAt),
    },
    createTime: timestampFromDate(b.createdAt),
    requestId: b.requestId ?? "",
  });
}

export function launchpadToProto(p: Launchpad): LaunchpadMsg {
  return create(LaunchpadSchema, {
    launchpadId: p.id,
    name: p.name,
    fullName: p.fullName,
    locality: p.locality,
    region: p.region,
    timeZone: p.timeZone,
    status: toProtoEnum(LaunchpadStatus, p.status),
    refreshTime: timestampFromDate(p.refreshedAt),
  });
}

export function launchToProto(item: LaunchListItem): LaunchMsg {
  if (item.provider === "spacet") {
    const l = item.launch;
    return create(LaunchSchema, {
      launchId: l.id,
      provider: LaunchProvider.SPACET,
      launchpadId: l.launchpadId,
      launchDate: l.launchDate,
      status: toProtoEnum(LaunchStatus, l.status),
      destination: toProtoEnum(Destination, l.destination),
      capacity: l.capacity,
      bookedSeats: l.bookedSeats,
      blocksPad: l.status === "scheduled",
    });
  }
  const s = item.launch;
  return create(LaunchSchema, {
    launchId: s.id,
    provider: LaunchProvider.SPACEX,
    launchpadId: s.launchpadId ?? "",
    launchDate: s.launchDate ?? "",
    status: LaunchStatus.SCHEDULED,
    name: s.name,
    launchTime: timestampFromDate(s.dateUtc),
    datePrecision: toProtoEnum(DatePrecision, s.datePrecision),
    blocksPad: blocksPad(s.datePrecision),
  });
}

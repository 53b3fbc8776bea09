import type { ServiceImpl } from "@connectrpc/connect";
import { type BookingService, BookingStatus, Gender } from "../../../gen/spacet/v1/booking_pb.js";
import { Destination } from "../../../gen/spacet/v1/launch_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { CancelBooking } from "../../app/launch/cancel-booking.js";
import type { CreateBooking } from "../../app/launch/create-booking.js";
import type { GetBooking } from "../../app/launch/get-booking.js";
import type { ListBookings } from "../../app/launch/list-bookings.js";
import type { Gender as DomainGender } from "../../domain/launch/booking.js";
import type { Destination as DomainDestination } from "../../domain/launch/destination.js";
import { enumWord, optionalDates } from "../from-proto.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { bookingToProto } from "./to-proto.js";

/** spacet.v1.BookingService: translates protos to use-case calls and back, nothing more. */
export function createBookingHandler(uc: {
  createBooking: CreateBooking;
  getBooking: GetBooking;
  listBookings: ListBookings;
  cancelBooking: CancelBooking;
  pageTokens: PageTokenCodec;
}): ServiceImpl<typeof BookingService> {
  return {
    async createBooking(req, ctx) {
      const booking = await uc.createBooking(
        {
          firstName: req.firstName,
          lastName: req.lastName,
          // protovalidate guarantees a defined, non-zero value for both enums
          gender: enumWord<DomainGender>(Gender, req.gender) as DomainGender,
          birthday: req.birthday,
          launchpadId: req.launchpadId,
          destination: enumWord<DomainDestination>(Destination, req.destination) as DomainDestination,
          launchDate: req.launchDate,
          requestId: req.requestId === "" ? undefined : req.requestId.toLowerCase(),
        },
        { signal: ctx.signal },
      );
      return { booking: bookingToProto(booking) };
    },

    async getBooking(req, ctx) {
      return { booking: bookingToProto(await uc.getBooking(req.ticketId.toLowerCase(), { signal: ctx.signal })) };
    },

    async listBookings(req, ctx) {
      const dates = optionalDates({ from_launch_date: req.fromLaunchDate, to_launch_date: req.toLaunchDate });
      const filter = {
        launchpadId: req.launchpadId || undefined,
        destination: enumWord<DomainDestination>(Destination, req.destination),
        status: enumWord<"confirmed" | "cancelled">(BookingStatus, req.status),
        fromLaunchDate: dates.from_launch_date,
        toLaunchDate: dates.to_launch_date,
      };
      const scope = JSON.stringify(["bookings", filter]);
      const page = await uc.listBookings(filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { bookings: page.items.map(bookingToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },

    async cancelBooking(req, ctx) {
      return { booking: bookingToProto(await uc.cancelBooking(req.ticketId.toLowerCase(), { signal: ctx.signal })) };
    },
  };
}

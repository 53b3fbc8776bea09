import type { ServiceImpl } from "@connectrpc/connect";
import { type FlightBookingService, FlightBookingStatus } from "../../../gen/spacet/v1/flight_booking_pb.js";
import { SeatClass } from "../../../gen/spacet/v1/flight_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { BookFlight } from "../../app/flight/book-flight.js";
import type { CancelFlightBooking } from "../../app/flight/cancel-flight-booking.js";
import type { GetFlightBooking } from "../../app/flight/get-flight-booking.js";
import type { ListFlightBookings } from "../../app/flight/list-flight-bookings.js";
import type { FlightBookingStatus as DomainStatus } from "../../domain/flight/flight-booking.js";
import { requirePrincipal } from "../auth/context-keys.js";
import { enumWord } from "../from-proto.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { flightBookingToProto } from "./to-proto.js";

const lower = (id: string) => (id === "" ? undefined : id.toLowerCase());

/** spacet.v1.FlightBookingService: the caller comes from the bearer token (auth interceptor). */
export function createFlightBookingHandler(uc: {
  bookFlight: BookFlight;
  getFlightBooking: GetFlightBooking;
  listFlightBookings: ListFlightBookings;
  cancelFlightBooking: CancelFlightBooking;
  pageTokens: PageTokenCodec;
}): ServiceImpl<typeof FlightBookingService> {
  return {
    async bookFlight(req, ctx) {
      const booking = await uc.bookFlight(
        requirePrincipal(ctx),
        {
          flightId: req.flightId.toLowerCase(),
          // protovalidate refuses undefined classes; the domain names anything it cannot take
          seats: req.seats.map((s) => ({ seatClass: enumWord<string>(SeatClass, s.seatClass) ?? "unspecified", count: s.count })),
          requestId: lower(req.requestId),
        },
        { signal: ctx.signal },
      );
      return { booking: flightBookingToProto(booking) };
    },

    async getFlightBooking(req, ctx) {
      return { booking: flightBookingToProto(await uc.getFlightBooking(requirePrincipal(ctx), req.bookingId.toLowerCase(), { signal: ctx.signal })) };
    },

    async listFlightBookings(req, ctx) {
      const principal = requirePrincipal(ctx);
      const filter = { flightId: lower(req.flightId), userId: lower(req.userId), status: enumWord<DomainStatus>(FlightBookingStatus, req.status) };
      // The caller is part of the scope: a token from one user's walk is no good for another's.
      const scope = JSON.stringify(["flight-bookings", principal.userId, filter]);
      const page = await uc.listFlightBookings(principal, filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { bookings: page.items.map(flightBookingToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },

    async cancelFlightBooking(req, ctx) {
      return { booking: flightBookingToProto(await uc.cancelFlightBooking(requirePrincipal(ctx), req.bookingId.toLowerCase(), { signal: ctx.signal })) };
    },
  };
}

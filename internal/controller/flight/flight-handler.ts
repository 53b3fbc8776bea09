import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { type FlightService, OperationalStatus, SeatClass } from "../../../gen/spacet/v1/flight_pb.js";
import type { PageTokenCodec } from "../../../pkg/page-token/page-token.js";
import type { CancelFlight } from "../../app/flight/cancel-flight.js";
import type { CreateFlight } from "../../app/flight/create-flight.js";
import type { GetFlight } from "../../app/flight/get-flight.js";
import type { SearchFlights } from "../../app/flight/search-flights.js";
import type { UpdateFlightStatus } from "../../app/flight/update-flight-status.js";
import type { WatchFlight } from "../../app/flight/flight-watch.js";
import type { OperationalStatus as DomainStatus } from "../../domain/flight/flight.js";
import { NO_SEATS, type SeatClass as DomainSeatClass, type SeatCounts } from "../../domain/flight/seat-class.js";
import { enumWord, optionalDates } from "../from-proto.js";
import { nextPageToken, pageRequest } from "../pagination.js";
import { flightToProto } from "./to-proto.js";

/** spacet.v1.FlightService: translates protos to use-case calls and back, nothing more. */
export function createFlightHandler(uc: {
  createFlight: CreateFlight;
  getFlight: GetFlight;
  searchFlights: SearchFlights;
  updateFlightStatus: UpdateFlightStatus;
  cancelFlight: CancelFlight;
  watchFlight: WatchFlight;
  pageTokens: PageTokenCodec;
}): ServiceImpl<typeof FlightService> {
  return {
    async createFlight(req, ctx) {
      // protovalidate guarantees the required messages, defined classes named once, and ranges.
      const capacity: Record<DomainSeatClass, number> = { ...NO_SEATS };
      for (const s of req.seats) capacity[enumWord<DomainSeatClass>(SeatClass, s.seatClass) as DomainSeatClass] = s.capacity;
      const duration = req.offerDuration;
      const flight = await uc.createFlight(
        {
          code: req.flightCode,
          airline: req.airline,
          aircraftType: req.aircraftType,
          origin: req.origin,
          destination: req.destination,
          originTimeZone: req.originTimeZone,
          departureTime: req.departureTime ? timestampDate(req.departureTime) : new Date(Number.NaN),
          arrivalTime: req.arrivalTime ? timestampDate(req.arrivalTime) : new Date(Number.NaN),
          capacity: capacity as SeatCounts,
          price: { currency: req.price?.currencyCode ?? "", amountMinor: Number(req.price?.amountMinor ?? 0n) },
          offerDurationMs: duration ? Number(duration.seconds) * 1000 + duration.nanos / 1e6 : 0,
        },
        { signal: ctx.signal },
      );
      return { flight: flightToProto(flight) };
    },

    async getFlight(req, ctx) {
      return { flight: flightToProto(await uc.getFlight(req.flightId.toLowerCase(), { signal: ctx.signal })) };
    },

    async searchFlights(req, ctx) {
      const dates = optionalDates({ departure_date: req.departureDate });
      const filter = { origin: req.origin, destination: req.destination, departureDate: dates.departure_date, onlyBookable: req.onlyBookable };
      const scope = JSON.stringify(["flights", filter]);
      const page = await uc.searchFlights(filter, pageRequest(uc.pageTokens, req, scope), { signal: ctx.signal });
      return { flights: page.items.map(flightToProto), nextPageToken: nextPageToken(uc.pageTokens, page.nextCursor, scope) };
    },

    async updateFlightStatus(req, ctx) {
      const flight = await uc.updateFlightStatus(
        {
          flightId: req.flightId.toLowerCase(),
          operationalStatus: enumWord<DomainStatus>(OperationalStatus, req.operationalStatus) as DomainStatus,
          estimatedDepartureTime: req.estimatedDepartureTime && timestampDate(req.estimatedDepartureTime),
          expectedVersion: req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
        },
        { signal: ctx.signal },
      );
      return { flight: flightToProto(flight) };
    },

    async cancelFlight(req, ctx) {
      const { flight, bookingsCancelled } = await uc.cancelFlight(req.flightId.toLowerCase(), { signal: ctx.signal });
      return { flight: flightToProto(flight), bookingsCancelled };
    },

    async *watchFlight(req, ctx) {
      for await (const flight of uc.watchFlight(req.flightId.toLowerCase(), { signal: ctx.signal })) yield { flight: flightToProto(flight) };
    },
  };
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { type CallOptions, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { FlightBookingService } from "../gen/spacet/v1/flight_booking_pb.js";
import { CreateFlightRequestSchema, FlightAvailabilitySchema, FlightCloseReason, FlightService, FlightStatus, SeatClass } from "../gen/spacet/v1/flight_pb.js";
import type { Principal } from "../internal/domain/identity/principal.js";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan, flightRowCounts, insertUser } from "../internal/testkit/flight-fixtures.js";
import { sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { restCaller } from "../internal/testkit/rest-call.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const sut = useServiceProcess({ MAX_SEATS_PER_BOOKING: "4" });
after(() => {
  assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM");
});

let handle: DatabaseHandle;
const as: Record<"operator" | "ada" | "bob", { principal: Principal; headers: { authorization: string } }> = {} as never;

/** A CreateFlight body (REST JSON) with these capacities, a fresh code, leaving in 30 days. */
function flightJson(seats: Record<string, number>, overrides: Record<string, unknown> = {}) {
  const capacity = { window: 0, aisle: 0, middle: 0, ...seats };
  return { ...createFlightJson(flightPlan({ capacity })), ...overrides };
}

const rest = restCaller(() => sut.service.httpUrl);

/** Creates a flight over REST as the operator; returns its id. */
async function newFlight(seats: Record<string, number>): Promise<string> {
  const { status, body } = await rest("POST", "/v1/flights", flightJson(seats), as.operator.headers);
  assert.equal(status, 200, JSON.stringify(body));
  return body.flight.flightId as string;
}

describe("flights over REST, gRPC and Connect", () => {
  before(async () => {
    handle = openDatabase({ dsn: sut.db.dsn, poolMax: 2 });
    for (const [name, role] of [
      ["operator", "operator"],
      ["ada", "user"],
      ["bob", "user"],
    ] as const) {
      const principal = await insertUser(handle.db, role);
      as[name] = { principal, headers: bearer(await mintTestToken(principal)) };
    }
  });
  after(() => handle?.close());

  it("an operator creates a flight; a user books, reads, lists and cancels; the operator moves and cancels it (REST, short enum names)", async () => {
    const created = await rest("POST", "/v1/flights", flightJson({ window: 2, aisle: 1 }), as.operator.headers);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const flight = created.body.flight;
    assert.deepEqual(
      [flight.status, flight.operationalStatus, flight.version, flight.seats.map((s: { available: number }) => s.available)],
      ["FLIGHT_STATUS_OPEN", "OPERATIONAL_STATUS_SCHEDULED", "1", [2, 1, 0]],
    );
    assert.equal((await rest("GET", `/v1/flights/${flight.flightId}`)).body.flight.flightCode, flight.flightCode, "anyone may read a flight");
    const found = await rest("GET", `/v1/flights?origin=EZE&destination=MAD&departureDate=${flight.departureDate}&onlyBookable=true`);
    assert.ok(found.body.flights.some((f: { flightId: string }) => f.flightId === flight.flightId));

    const booked = await rest(
      "POST",
      `/v1/flights/${flight.flightId}/bookings`,
      { seats: [{ seatClass: "window", count: 2 }], requestId: "6f1c8c5e-5a4b-4f7e-9d59-2f1f6a0e8b11" },
      as.ada.headers,
    );
    assert.equal(booked.status, 200, JSON.stringify(booked.body));
    const booking = booked.body.booking;
    assert.deepEqual(
      [booking.status, booking.userName, booking.totalPrice],
      ["FLIGHT_BOOKING_STATUS_CONFIRMED", as.ada.principal.username, { currencyCode: "EUR", amountMinor: "25998" }],
    );
    assert.equal((await rest("GET", `/v1/flight-bookings/${booking.bookingId}`, undefined, as.ada.headers)).status, 200);
    assert.equal((await rest("GET", `/v1/flight-bookings/${booking.bookingId}`, undefined, as.bob.headers)).status, 404, "another user's booking is not found");
    const mine = await rest("GET", `/v1/flight-bookings?flightId=${flight.flightId}`, undefined, as.ada.headers);
    assert.deepEqual(
      mine.body.bookings.map((b: { bookingId: string }) => b.bookingId),
      [booking.bookingId],
    );
    const cancelled = await rest("POST", `/v1/flight-bookings/${booking.bookingId}:cancel`, {}, as.ada.headers);
    assert.deepEqual([cancelled.status, cancelled.body.booking.status], [200, "FLIGHT_BOOKING_STATUS_CANCELLED"]);

    const moved = await rest(
      "POST",
      `/v1/flights/${flight.flightId}:updateStatus`,
      { operationalStatus: "delayed", expectedVersion: "3" },
      as.operator.headers,
    );
    assert.deepEqual([moved.status, moved.body.flight?.operationalStatus], [200, "OPERATIONAL_STATUS_DELAYED"], JSON.stringify(moved.body));
    const stale = await rest(
      "POST",
      `/v1/flights/${flight.flightId}:updateStatus`,
      { operationalStatus: "on_time", expectedVersion: "3" },
      as.operator.headers,
    );
    assert.equal(stale.status, 409, "a stale expected_version is ABORTED");
    const illegal = await rest("POST", `/v1/flights/${flight.flightId}:updateStatus`, { operationalStatus: "arrived" }, as.operator.headers);
    assert.deepEqual([illegal.status, illegal.body.code], [400, Code.FailedPrecondition]);
    const gone = await rest("POST", `/v1/flights/${flight.flightId}:cancel`, {}, as.operator.headers);
    assert.deepEqual([gone.status, gone.body.flight.status, gone.body.bookingsCancelled], [200, "FLIGHT_STATUS_CANCELLED", 0]);
  });

  it("applies the access rules: anonymous booking 401, a user creating or moving a flight 403, search public (empty is 200)", async () => {
    const flightId = await newFlight({ window: 1 });
    assert.equal((await rest("POST", `/v1/flights/${flightId}/bookings`, { seats: [{ seatClass: "window", count: 1 }] })).status, 401);
    assert.equal((await rest("POST", "/v1/flights", flightJson({ window: 1 }), as.ada.headers)).status, 403);
    assert.equal((await rest("POST", `/v1/flights/${flightId}:updateStatus`, { operationalStatus: "on_time" }, as.ada.headers)).status, 403);
    assert.equal((await rest("POST", `/v1/flights/${flightId}:cancel`, {}, as.ada.headers)).status, 403);
    const empty = await rest("GET", "/v1/flights?origin=XXX&destination=YYY");
    assert.deepEqual([empty.status, empty.body], [200, { flights: [], nextPageToken: "" }]);
    const anyones = await rest("GET", `/v1/flight-bookings?userId=${as.bob.principal.userId}`, undefined, as.ada.headers);
    assert.equal(anyones.status, 403, "a user cannot list another user's bookings");
    assert.equal((await rest("GET", `/v1/flight-bookings?userId=${as.bob.principal.userId}`, undefined, as.operator.headers)).status, 200);
  });

  it("counts BookFlight answers by result in spacet_flight_bookings_total", async () => {
    const results = async () => {
      const samples = await scrape(sut.service.httpUrl);
      return (result: string) => sampleValue(samples, "spacet_flight_bookings_total", { result }) ?? 0;
    };
    const before = await results();
    const flightId = await newFlight({ window: 1 });
    const book = () => rest("POST", `/v1/flights/${flightId}/bookings`, { seats: [{ seatClass: "window", count: 1 }] }, as.ada.headers);
    assert.equal((await book()).status, 200);
    assert.equal((await book()).status, 400);
    const after = await results();
    assert.deepEqual([after("confirmed") - before("confirmed"), after("flight_closed") - before("flight_closed")], [1, 1]);
  });

  for (const face of ["gRPC", "Connect", "REST"] as const) {
    it(`refuses sold-out, short and cancelled flights with FAILED_PRECONDITION and the FlightAvailability detail (${face})`, async () => {
      const flightId = await newFlight({ window: 1, aisle: 1 });
      const cancelledId = await newFlight({ window: 1 });
      assert.equal((await rest("POST", `/v1/flights/${cancelledId}:cancel`, {}, as.operator.headers)).status, 200);
      const book = bookVia(face);
      assert.equal((await book(flightId, [["window", 1]])).status, "ok");

      const short = await book(flightId, [["aisle", 2]]);
      assert.deepEqual(
        [short.status, short.reason, short.availability?.status, short.availability?.seats.map((s) => s.available)],
        ["refused", "INSUFFICIENT_SEATS", FlightStatus.OPEN, [0, 1, 0]],
      );
      assert.equal((await book(flightId, [["aisle", 1]])).status, "ok");
      const soldOut = await book(flightId, [["window", 1]]);
      assert.deepEqual(
        [soldOut.reason, soldOut.availability?.status, soldOut.availability?.closeReason, soldOut.availability?.version],
        ["FLIGHT_CLOSED", FlightStatus.CLOSED, FlightCloseReason.SOLD_OUT, 3n],
      );
      const cancelled = await book(cancelledId, [["window", 1]]);
      assert.deepEqual([cancelled.reason, cancelled.availability?.status], ["FLIGHT_CANCELLED", FlightStatus.CANCELLED]);
    });

    it(`refuses bad seat requests with INVALID_ARGUMENT naming seats and writes nothing (${face})`, async () => {
      const flightId = await newFlight({ window: 5, aisle: 5 });
      const book = bookVia(face);
      const before = await flightRowCounts(handle.db);
      for (const seats of [
        [["window", -1]],
        [["window", 0]],
        [],
        [
          ["window", 1],
          ["window", 1],
        ],
        [["middle", 1]], // the flight has no middle seats
        [
          ["window", 3],
          ["aisle", 2],
        ], // 5 > MAX_SEATS_PER_BOOKING=4
        [["business", 1]], // no such class
      ] as [string, number][][]) {
        const answer = await book(flightId, seats);
        assert.equal(answer.status, "invalid", `${JSON.stringify(seats)}: ${JSON.stringify(answer)}`);
        assert.ok(answer.fields?.length && answer.fields.every((f) => f.startsWith("seats")), `${JSON.stringify(seats)}: ${answer.fields}`);
      }
      assert.deepEqual(await flightRowCounts(handle.db), before);
    });
  }

  it("validates CreateFlight: same airports, arrival before departure, no seats, a past departure, an unknown zone", async () => {
    const before = await flightRowCounts(handle.db);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    for (const [overrides, seats, expected] of [
      [{ destination: "EZE" }, { window: 1 }, "destination must differ"],
      [{ arrivalTime: new Date(Date.now() + 86_400_000).toISOString() }, { window: 1 }, "arrival_time must be after"],
      [{ seats: [{ seatClass: "window", capacity: 0 }] }, { window: 1 }, "at least one seat"],
      [{ departureTime: past, arrivalTime: new Date().toISOString() }, { window: 1 }, "greater than now"],
      [{ originTimeZone: "Mars/Olympus" }, { window: 1 }, "not an IANA time zone"],
      [{ offerDuration: "0s" }, { window: 1 }, "greater than 0s"],
    ] as const) {
      const { status, body } = await rest("POST", "/v1/flights", flightJson(seats, overrides), as.operator.headers);
      assert.equal(status, 400, JSON.stringify(body));
      assert.ok(JSON.stringify(body.details).includes(expected), `${expected}: ${JSON.stringify(body)}`);
    }
    assert.deepEqual(await flightRowCounts(handle.db), before);
    // The same rules hold for protobuf clients.
    const client = createClient(FlightService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
    const err = await client
      .createFlight(
        create(CreateFlightRequestSchema, {
          ...flightJson({ window: 1 }, { origin: "MAD" }),
          departureTime: timestampFromDate(new Date(Date.now() + 86_400_000)),
          arrivalTime: timestampFromDate(new Date(Date.now() + 90_000_000)),
          seats: [{ seatClass: SeatClass.WINDOW, capacity: 1 }],
          price: { currencyCode: "EUR", amountMinor: 1n },
          offerDuration: durationFromMs(60_000),
        }),
        { headers: as.operator.headers },
      )
      .catch((e: unknown) => ConnectError.from(e));
    assert.ok(err instanceof ConnectError && err.code === Code.InvalidArgument);
  });
});

interface Answer {
  readonly status: "ok" | "refused" | "invalid" | "other";
  readonly reason?: string;
  readonly availability?: ReturnType<typeof create<typeof FlightAvailabilitySchema>>;
  readonly fields?: string[];
}

/** BookFlight as `ada` over one face, its answer reduced to what the tests compare. */
function bookVia(face: "gRPC" | "Connect" | "REST"): (flightId: string, seats: [string, number][]) => Promise<Answer> {
  if (face === "REST") {
    return async (flightId, seats) => {
      const { status, body } = await rest(
        "POST",
        `/v1/flights/${flightId}/bookings`,
        { seats: seats.map(([seatClass, count]) => ({ seatClass, count })) },
        as.ada.headers,
      );
      if (status === 200) return { status: "ok" };
      const details = (body.details ?? []) as Record<string, any>[];
      const typed = (name: string) => details.find((d) => d["@type"] === `type.googleapis.com/${name}`);
      if (status === 400 && body.code === Code.FailedPrecondition) {
        const a = typed("spacet.v1.FlightAvailability");
        const availability = a && {
          ...create(FlightAvailabilitySchema),
          status: FlightStatus[(a.status as string).replace("FLIGHT_STATUS_", "") as keyof typeof FlightStatus],
          closeReason: a.closeReason ? FlightCloseReason[(a.closeReason as string).replace("FLIGHT_CLOSE_REASON_", "") as keyof typeof FlightCloseReason] : 0,
          // Rendered like answers: a sold-out class says "available": 0.
          seats: a.seats as { available: number }[],
          version: BigInt(a.version),
        };
        return { status: "refused", reason: typed("google.rpc.ErrorInfo")?.reason, availability: availability as Answer["availability"] };
      }
      if (status === 400 && body.code === Code.InvalidArgument) {
        const fields = details.flatMap((d) => d.violations ?? []).map((v: any) => (v.field?.elements ?? []).map((e: any) => e.fieldName).join("."));
        return { status: "invalid", fields };
      }
      return { status: "other", reason: `${status} ${JSON.stringify(body)}` };
    };
  }
  const transport =
    face === "gRPC" ? createGrpcTransport({ baseUrl: sut.service.grpcUrl }) : createConnectTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1" });
  const client = createClient(FlightBookingService, transport);
  const options: CallOptions = { headers: as.ada.headers };
  return async (flightId, seats) => {
    try {
      await client.bookFlight(
        { flightId, seats: seats.map(([c, count]) => ({ seatClass: SeatClass[c.toUpperCase() as keyof typeof SeatClass] ?? 7, count })) },
        options,
      );
      return { status: "ok" };
    } catch (e) {
      const err = ConnectError.from(e);
      if (err.code === Code.FailedPrecondition) {
        return { status: "refused", reason: err.findDetails(ErrorInfoSchema)[0]?.reason, availability: err.findDetails(FlightAvailabilitySchema)[0] };
      }
      if (err.code === Code.InvalidArgument) {
        const fields = err.findDetails(ViolationsSchema).flatMap((v) => v.violations.map((x) => x.field?.elements.map((el) => el.fieldName).join(".") ?? ""));
        return { status: "invalid", fields };
      }
      return { status: "other", reason: `${Code[err.code]} ${err.rawMessage}` };
    }
  };
}

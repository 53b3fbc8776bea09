import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { LaunchpadService } from "../gen/spacet/v1/launchpad_pb.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan } from "../internal/testkit/flight-fixtures.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { type Sample, sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { rawGrpcCall } from "../internal/testkit/raw-grpc-call.js";
import { useServiceWithSpacexFixtures } from "../internal/testkit/service-under-test.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// The real server (its own database, the relay off so events wait in the outbox) syncing with
// the SpaceX fixture server at start-up; /metrics read as Prometheus reads it.
const sut = useServiceWithSpacexFixtures();
after(async () => {
  assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM");
});

const UNKNOWN_TICKET = "3f2b1c4d-0000-4000-8000-000000000000";
const UNKNOWN_PAD = "5e9e4501f509094ba4566fff";
const bookingJson = (launchpadId: string, launchDate: string) =>
  JSON.stringify({ firstName: "Ada", lastName: "Lovelace", gender: "female", birthday: "1990-12-10", launchpadId, destination: "mars", launchDate });

const rpc = (service: string, method: string, type = "unary") => ({ grpc_type: type, grpc_service: `spacet.v1.${service}`, grpc_method: method });
const handled = (samples: Sample[], labels: Record<string, string>, code: string) =>
  sampleValue(samples, "grpc_server_handled_total", { ...labels, grpc_code: code }) ?? 0;

describe("GET /metrics on the running server", () => {
  it("counts REST and gRPC calls under their RPC, with grpc-go code names", async () => {
    const base = sut.service.httpUrl;
    const before = await scrape(base);
    const grpc = createGrpcTransport({ baseUrl: sut.service.grpcUrl });
    const pads = createClient(LaunchpadService, grpc);
    const bookings = createClient(BookingService, grpc);

    // REST
    assert.equal((await fetch(`${base}/v1/launchpads`)).status, 200);
    assert.equal((await fetch(`${base}/v1/bookings/${UNKNOWN_TICKET}`)).status, 404);
    assert.equal((await fetch(`${base}/v1/bookings/not-a-ticket`)).status, 400);
    assert.equal((await fetch(`${base}/v1/bookings`)).status, 401, "ListBookings needs an operator");
    const post = (body: string) => fetch(`${base}/v1/bookings`, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal((await post(bookingJson(PADS.cape, "2049-06-01"))).status, 200);
    assert.equal((await post(bookingJson(UNKNOWN_PAD, "2049-06-02"))).status, 404);
    // gRPC
    await pads.listLaunchpads({});
    const code = (p: Promise<unknown>) =>
      p.then(
        () => Code[0],
        (e: unknown) => Code[ConnectError.from(e).code],
      );
    assert.equal(await code(bookings.getBooking({ ticketId: UNKNOWN_TICKET })), "NotFound");
    assert.equal(await code(bookings.getBooking({ ticketId: "not-a-ticket" })), "InvalidArgument");
    const request = { firstName: "Ada", lastName: "Lovelace", gender: Gender.FEMALE, birthday: "1990-12-10", destination: Destination.MARS };
    await bookings.createBooking({ ...request, launchpadId: PADS.cape, launchDate: "2049-06-15" });
    assert.equal(await code(bookings.createBooking({ ...request, launchpadId: PADS.retired, launchDate: "2049-06-16" })), "FailedPrecondition");

    const now = await scrape(base);
    const delta = (labels: Record<string, string>, c: string) => handled(now, labels, c) - handled(before, labels, c);
    assert.equal(delta(rpc("LaunchpadService", "ListLaunchpads"), "OK"), 2, "one REST and one gRPC call");
    assert.equal(delta(rpc("BookingService", "GetBooking"), "NotFound"), 2);
    assert.equal(delta(rpc("BookingService", "GetBooking"), "InvalidArgument"), 2);
    assert.equal(delta(rpc("BookingService", "ListBookings"), "Unauthenticated"), 1);
    assert.equal(delta(rpc("BookingService", "CreateBooking"), "OK"), 2);
    assert.equal(delta(rpc("BookingService", "CreateBooking"), "NotFound"), 1);
    assert.equal(delta(rpc("BookingService", "CreateBooking"), "FailedPrecondition"), 1);

    const count = (samples: Sample[], name: string, labels: Record<string, string>) => sampleValue(samples, name, labels) ?? 0;
    const createBooking = rpc("BookingService", "CreateBooking");
    for (const name of ["grpc_server_started_total", "grpc_server_handling_seconds_count", "grpc_server_msg_received_total"]) {
      assert.equal(count(now, name, createBooking) - count(before, name, createBooking), 4, name);
    }
    assert.equal(count(now, "grpc_server_msg_sent_total", createBooking) - count(before, "grpc_server_msg_sent_total", createBooking), 2, "answers sent");

    const results = (samples: Sample[], result: string) => sampleValue(samples, "spacet_bookings_total", { result }) ?? 0;
    assert.equal(results(now, "created") - results(before, "created"), 2);
    assert.equal(results(now, "launchpad_not_found") - results(before, "launchpad_not_found"), 1);
    assert.equal(results(now, "launchpad_not_active") - results(before, "launchpad_not_active"), 1);
  });

  it("counts a call whose body cannot be decoded (rejected before the interceptors) as INVALID_ARGUMENT, over gRPC and Connect", async () => {
    const base = sut.service.httpUrl;
    const createBooking = rpc("BookingService", "CreateBooking");
    const before = await scrape(base);
    // first_name (field 1, a string) announced as 5 bytes, with 2 sent: a truncated message.
    const truncated = [0x0a, 0x05, 0x41, 0x64];
    const path = "/spacet.v1.BookingService/CreateBooking";
    assert.equal(await rawGrpcCall(sut.service.grpcUrl, path, truncated), String(Code.InvalidArgument));
    const connect = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/proto" }, body: new Uint8Array(truncated) });
    assert.equal(connect.status, 400);
    await connect.body?.cancel();

    const now = await scrape(base);
    const delta = (name: string, labels: Record<string, string>) => (sampleValue(now, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    assert.equal(delta("grpc_server_handled_total", { ...createBooking, grpc_code: "InvalidArgument" }), 2);
    assert.equal(delta("grpc_server_started_total", createBooking), 2);
    assert.equal(delta("grpc_server_handling_seconds_count", createBooking), 2);
    assert.equal(delta("grpc_server_msg_received_total", createBooking), 0, "no message could be read");
    assert.equal(delta("grpc_server_handled_total", { ...createBooking, grpc_code: "Internal" }), 0);
    const bookingResults = now.filter((s) => s.name === "spacet_bookings_total");
    assert.deepEqual(
      bookingResults.map((s) => (sampleValue(before, s.name, s.labels) ?? 0) - s.value),
      bookingResults.map(() => 0),
      "the use case never ran",
    );
  });

  it("starts every method of every service at zero, with code OK", async () => {
    const samples = await scrape(sut.service.httpUrl);
    for (const labels of [
      rpc("SyncService", "RunSync"),
      rpc("AuthService", "Register"),
      { grpc_type: "server_stream", grpc_service: "grpc.health.v1.Health", grpc_method: "Watch" },
      { grpc_type: "bidi_stream", grpc_service: "grpc.reflection.v1.ServerReflection", grpc_method: "ServerReflectionInfo" },
    ]) {
      assert.equal(sampleValue(samples, "grpc_server_handled_total", { ...labels, grpc_code: "OK" }), 0, JSON.stringify(labels));
      assert.equal(sampleValue(samples, "grpc_server_started_total", labels), 0, JSON.stringify(labels));
    }
  });

  it("counts flights closed by reason from zero: the booking that takes the last seat closes it SOLD_OUT", async () => {
    const base = sut.service.httpUrl;
    const closed = (samples: Sample[], reason: string) => sampleValue(samples, "spacet_flights_closed_total", { reason });
    const before = await scrape(base);
    for (const reason of ["sold_out", "offer_expired", "departed"]) assert.equal(typeof closed(before, reason), "number", reason);
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, path);
      return (await res.json()) as Record<string, unknown>;
    };
    // A real user (bookings reference users); the operator only needs its role.
    const user = { username: `metrics-${Date.now()}`, password: "correct horse battery" };
    await post("/v1/auth/register", { ...user, email: `${user.username}@example.com` });
    const token = (await post("/v1/auth/login", user)).accessToken as string;
    const operator = bearer(await mintTestToken({ role: "operator" }));
    const { flight } = (await post("/v1/flights", createFlightJson(flightPlan({ capacity: { window: 1, aisle: 0, middle: 0 } })), operator)) as {
      flight: { flightId: string };
    };
    await post(`/v1/flights/${flight.flightId}/bookings`, { seats: [{ seatClass: "window", count: 1 }] }, bearer(token));
    const now = await scrape(base);
    assert.equal((closed(now, "sold_out") ?? 0) - (closed(before, "sold_out") ?? 0), 1);
    assert.equal(closed(now, "departed"), closed(before, "departed"));
  });

  it("shows the outbox backlog growing with each booking while the relay is off, and its age", async () => {
    const base = sut.service.httpUrl;
    const backlog = async () => sampleValue(await scrape(base), "spacet_outbox_backlog");
    const first = await backlog();
    assert.ok(first !== undefined, "the backlog gauge is there once the database is");
    const res = await fetch(`${base}/v1/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bookingJson(PADS.cape, "2049-07-01"),
    });
    assert.equal(res.status, 200);
    const samples = await scrape(base);
    assert.equal(sampleValue(samples, "spacet_outbox_backlog"), first + 1, "its BookingCreated waits in the outbox");
    assert.ok((sampleValue(samples, "spacet_outbox_publish_lag_seconds") ?? 0) > 0, "the oldest waiting event has an age");
  });

  it("counts the start-up sync runs by job and outcome, and times them", async () => {
    const base = sut.service.httpUrl;
    const succeeded = (samples: Sample[], job: string) => sampleValue(samples, "spacet_sync_runs_total", { job, outcome: "succeeded" });
    await waitUntil("both start-up runs are counted", async () => {
      const samples = await scrape(base);
      return succeeded(samples, "launchpads") === 1 && succeeded(samples, "spacex_launches") === 1;
    });
    const samples = await scrape(base);
    assert.equal(sampleValue(samples, "spacet_sync_duration_seconds_count", { job: "spacex_launches", outcome: "succeeded" }), 1);
    assert.equal(sampleValue(samples, "spacet_sync_runs_total", { job: "spacex_launches", outcome: "failed" }), 0);
    assert.equal(sampleValue(samples, "spacet_sync_cancellations_total", { kind: "booking" }), 0);
  });

  it("reports the pool's connections and the process, and no label carries an id, a name or a URL", async () => {
    const samples = await scrape(sut.service.httpUrl);
    assert.ok((sampleValue(samples, "spacet_pg_pool_total") ?? 0) >= 1);
    assert.ok(sampleValue(samples, "spacet_pg_pool_idle") !== undefined);
    assert.equal(sampleValue(samples, "spacet_pg_pool_waiting"), 0);
    assert.ok((sampleValue(samples, "process_resident_memory_bytes") ?? 0) > 0);
    assert.ok(samples.some((s) => s.name === "nodejs_eventloop_lag_seconds"));
    const values = samples.flatMap((s) => Object.values(s.labels));
    const leaks = values.filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-|[0-9a-f]{24}|https?:|127\.0\.0\.1|Ada|Lovelace|\/v1\//i.test(v));
    assert.deepEqual(leaks, []);
  });

  it("answers HEAD and refuses other methods like any unknown route", async () => {
    const head = await fetch(`${sut.service.httpUrl}/metrics`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.match(head.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal((await fetch(`${sut.service.httpUrl}/metrics`, { method: "POST" })).status, 404);
  });
});

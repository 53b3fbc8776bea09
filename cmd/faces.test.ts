import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { BookingService, BookingStatus, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { REPO_ROOT } from "../internal/testkit/processes.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const run = promisify(execFile);

const sut = useServiceProcess();
after(() => {
  assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM");
});
/** ListBookings shows every passenger: operators only. */
let operator: string;
before(async () => {
  operator = await mintTestToken({ role: "operator" });
});

/** A future launch date far enough ahead for any zone; each test uses its own day. */
const day = (n: number) => `2049-${String(1 + Math.floor(n / 28)).padStart(2, "0")}-${String(1 + (n % 28)).padStart(2, "0")}`;

describe("every face books, gets, lists and cancels", () => {
  it("a stock @grpc/grpc-js client loading the .proto files", async () => {
    const def = protoLoader.loadSync("spacet/v1/booking.proto", {
      includeDirs: [`${REPO_ROOT}protos`, `${REPO_ROOT}third_party/protos`],
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { spacet: { v1: { BookingService: grpc.ServiceClientConstructor } } };
    const client = new pkg.spacet.v1.BookingService(`127.0.0.1:${sut.service.grpcPort}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, req: object, metadata = new grpc.Metadata()) =>
      new Promise<T>((resolve, reject) =>
        (client[method] as Function).call(client, req, metadata, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res))),
      );
    const asOperator = new grpc.Metadata();
    asOperator.set("authorization", `Bearer ${operator}`);
    try {
      const created = await call<{ booking: { ticketId: string; status: string } }>("CreateBooking", {
        firstName: "Ada",
        lastName: "Lovelace",
        gender: "GENDER_FEMALE",
        birthday: "1990-12-10",
        launchpadId: PADS.cape,
        destination: "DESTINATION_MARS",
        launchDate: day(1),
      });
      assert.equal(created.booking.status, "BOOKING_STATUS_CONFIRMED");
      const got = await call<{ booking: { ticketId: string } }>("GetBooking", { ticketId: created.booking.ticketId });
      assert.equal(got.booking.ticketId, created.booking.ticketId);
      const listed = await call<{ bookings: { ticketId: string }[] }>("ListBookings", { launchpadId: PADS.cape, pageSize: 100 }, asOperator);
      assert.ok(listed.bookings.some((b) => b.ticketId === created.booking.ticketId));
      const cancelled = await call<{ booking: { status: string } }>("CancelBooking", { ticketId: created.booking.ticketId });
      assert.equal(cancelled.booking.status, "BOOKING_STATUS_CANCELLED");
      await assert.rejects(call("GetBooking", { ticketId: "not-a-uuid" }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT);
      await assert.rejects(
        call("GetBooking", { ticketId: "3f2b1c4d-0000-4000-8000-000000000000" }),
        (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND,
      );
    } finally {
      client.close();
    }
  });

  it("buf curl through server reflection", async () => {
    const buf = `${REPO_ROOT}node_modules/.bin/buf`;
    const { stdout: services } = await run(buf, ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--list-services", sut.service.grpcUrl]);
    for (const s of ["spacet.v1.BookingService", "spacet.v1.LaunchpadService", "spacet.v1.LaunchService", "grpc.health.v1.Health"])
      assert.match(services, new RegExp(s));
    const curl = async (method: string, body: object, headers: string[] = []) => {
      const { stdout } = await run(buf, [
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        ...headers,
        "-d",
        JSON.stringify(body),
        `${sut.service.grpcUrl}/spacet.v1.BookingService/${method}`,
      ]);
      return JSON.parse(stdout);
    };
    const created = await curl("CreateBooking", {
      firstName: "Grace",
      lastName: "Hopper",
      gender: "GENDER_FEMALE",
      birthday: "1906-12-09",
      launchpadId: PADS.kennedy,
      destination: "DESTINATION_MOON",
      launchDate: day(2),
    });
    assert.equal(created.booking.status, "BOOKING_STATUS_CONFIRMED");
    const ticketId = created.booking.ticketId as string;
    assert.equal((await curl("GetBooking", { ticketId })).booking.ticketId, ticketId);
    const listed = await curl("ListBookings", { launchpadId: PADS.kennedy }, ["-H", `authorization: Bearer ${operator}`]);
    assert.ok(listed.bookings.some((b: { ticketId: string }) => b.ticketId === ticketId));
    assert.equal((await curl("CancelBooking", { ticketId })).booking.status, "BOOKING_STATUS_CANCELLED");
  });

  for (const [name, transport] of [
    ["Connect (HTTP/1.1 JSON)", () => createConnectTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1", useBinaryFormat: false })],
    ["gRPC (h2c, binary)", () => createGrpcTransport({ baseUrl: sut.service.grpcUrl })],
    ["gRPC-Web (HTTP/1.1)", () => createGrpcWebTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1" })],
  ] as const) {
    it(`a Connect-ES client over ${name}`, async () => {
      const client = createClient(BookingService, transport());
      const n = name.length; // a distinct day per transport
      const { booking } = await client.createBooking({
        firstName: "Katherine",
        lastName: "Johnson",
        gender: Gender.FEMALE,
        birthday: "1918-08-26",
        launchpadId: PADS.vandenberg,
        destination: Destination.TITAN,
        launchDate: day(10 + n),
      });
      assert.equal(booking?.status, BookingStatus.CONFIRMED);
      const ticketId = booking?.ticketId ?? "";
      assert.equal((await client.getBooking({ ticketId })).booking?.ticketId, ticketId);
      const listed = await client.listBookings({ launchpadId: PADS.vandenberg }, { headers: bearer(operator) });
      assert.ok(listed.bookings.some((b) => b.ticketId === ticketId));
      assert.equal((await client.cancelBooking({ ticketId })).booking?.status, BookingStatus.CANCELLED);
      const err = await client.createBooking({}).catch((e: unknown) => ConnectError.from(e));
      assert.ok(err instanceof ConnectError && err.code === Code.InvalidArgument);
      assert.ok(err.findDetails(ViolationsSchema)[0].violations.length >= 5, "per-field violations");
    });
  }

  it("curl-style REST under /v1 with lenient enum names", async () => {
    // No content-type set: fetch sends text/plain, and it is read as JSON.
    const post = await fetch(`${sut.service.httpUrl}/v1/bookings`, {
      method: "POST",
      body: JSON.stringify({
        firstName: "Mae",
        lastName: "Jemison",
        gender: "female",
        birthday: "1956-10-17",
        launchpadId: PADS.cape,
        destination: "Asteroid_Belt",
        launchDate: day(40),
      }),
    });
    assert.equal(post.status, 200);
    const { booking } = (await post.json()) as { booking: { ticketId: string; destination: string; status: string } };
    assert.deepEqual([booking.destination, booking.status], ["DESTINATION_ASTEROID_BELT", "BOOKING_STATUS_CONFIRMED"]);
    const got = await fetch(`${sut.service.httpUrl}/v1/bookings/${booking.ticketId}`);
    assert.equal(((await got.json()) as { booking: { ticketId: string } }).booking.ticketId, booking.ticketId);
    const list = await fetch(`${sut.service.httpUrl}/v1/bookings?launchpadId=${PADS.cape}&status=confirmed&pageSize=50`, { headers: bearer(operator) });
    assert.ok(((await list.json()) as { bookings: { ticketId: string }[] }).bookings.some((b) => b.ticketId === booking.ticketId));
    // What `curl -d '{}'` sends: a JSON body labelled as a form.
    const cancel = await fetch(`${sut.service.httpUrl}/v1/bookings/${booking.ticketId}:cancel`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(((await cancel.json()) as { booking: { status: string } }).booking.status, "BOOKING_STATUS_CANCELLED");
    const del = await fetch(`${sut.service.httpUrl}/v1/bookings/${booking.ticketId}`, { method: "DELETE" });
    assert.equal(del.status, 200, "DELETE is the same idempotent cancel");
    const missing = await fetch(`${sut.service.httpUrl}/v1/bookings/3f2b1c4d-0000-4000-8000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: number }).code, 5);
  });

  it("catalog routes answer over REST: launchpads, destinations, launches", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${sut.service.httpUrl}${path}`);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      return (await res.json()) as Record<string, unknown[]> & { launchpad?: { status: string } };
    };
    assert.equal((await get("/v1/launchpads")).launchpads.length, 6);
    assert.equal((await get("/v1/launchpads?status=active")).launchpads.length, 3);
    assert.equal((await get(`/v1/launchpads/${PADS.cape}`)).launchpad?.status, "LAUNCHPAD_STATUS_ACTIVE");
    assert.equal((await get("/v1/destinations")).destinations.length, 7);
    const launches = await get(`/v1/launches?launchpadId=${PADS.cape}&fromDate=2049-01-01&toDate=2049-12-31&pageSize=100`);
    assert.ok(launches.launches.length > 0, "the launches booked above are listed");
    assert.equal((await get("/v1/launches?provider=spacex")).launches.length, 0, "no SpaceX sync ran");
  });

  it("probes: healthz, readiness, liveness and gRPC health", async () => {
    assert.equal((await fetch(`${sut.service.httpUrl}/healthz`)).status, 200);
    const ready = await fetch(`${sut.service.httpUrl}/readiness`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, "ready");
    const live = await fetch(`${sut.service.httpUrl}/liveness`);
    assert.equal(live.status, 200);
    assert.deepEqual(((await live.json()) as { checks: unknown }).checks, { database: { ok: true } });
    const buf = `${REPO_ROOT}node_modules/.bin/buf`;
    const { stdout } = await run(buf, [
      "curl",
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      "-d",
      "{}",
      `${sut.service.grpcUrl}/grpc.health.v1.Health/Check`,
    ]);
    assert.equal(JSON.parse(stdout).status, "SERVING");
  });
});

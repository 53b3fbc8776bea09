import assert from "node:assert/strict";
import http from "node:http";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { advisoryLockWaiters, holdBookingWrites } from "../internal/testkit/booking-writes-lock.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { withAdmin } from "../internal/testkit/postgres.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// Two pooled connections, so a test can use them all up.
const sut = useServiceProcess({ PG_POOL_MAX: "2" });

const request = (launchDate: string, firstName = "Ada") => ({
  firstName,
  lastName: "Lovelace",
  gender: Gender.FEMALE,
  birthday: "1990-12-10",
  launchpadId: PADS.kennedy,
  destination: Destination.MOON,
  launchDate,
});

const grpc = () => createClient(BookingService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
const bookings = () => withAdmin(sut.db.dsn, async (c) => (await c.query<{ n: number }>("select count(*)::int as n from bookings")).rows[0].n);
const waiters = () => advisoryLockWaiters(sut.db.dsn);
const logged = (code: string) =>
  sut.service.process
    .stdout()
    .split("\n")
    .filter((l) => l.includes('"rpc":"spacet.v1.BookingService/CreateBooking"') && l.includes(`"code":"${code}"`)).length;

/** The error a call ended with. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => ConnectError.from(e),
  );

describe("deadlines and clients that hang up", () => {
  it("a gRPC booking whose deadline passes while it waits for a lock answers DEADLINE_EXCEEDED at the deadline, stops waiting and never commits", async () => {
    const lock = await holdBookingWrites(sut.db.dsn);
    const before = logged("deadline_exceeded") + logged("canceled");
    try {
      const started = performance.now();
      const err = await failure(grpc().createBooking(request("2049-05-03"), { timeoutMs: 500 }));
      assert.equal(err.code, Code.DeadlineExceeded, err.message);
      assert.ok(performance.now() - started < 2_000, "answered at the deadline, not at lock_timeout");
      // The server gave up too: its statement was cancelled, nothing waits for the lock any more.
      await waitUntil("the service stopped waiting for the lock", async () => (await waiters()) === 0, 3_000);
      // As DEADLINE_EXCEEDED, or CANCELLED when the client's own timer reset the stream first.
      await waitUntil("the call is logged", async () => logged("deadline_exceeded") + logged("canceled") === before + 1, 3_000);
    } finally {
      await lock.release();
    }
    assert.equal(await bookings(), 0, "nothing committed once the lock was free");
  });

  it("a REST client that hangs up while its booking waits cancels it: nothing commits", async () => {
    const lock = await holdBookingWrites(sut.db.dsn);
    const cancelled = logged("canceled");
    try {
      const body = JSON.stringify({ ...request("2049-05-10"), gender: "female", destination: "moon" });
      const req = http.request(`${sut.service.httpUrl}/v1/bookings`, { method: "POST", headers: { "content-type": "application/json" } });
      req.on("error", () => undefined);
      req.end(body);
      await waitUntil("the booking waits for the lock", async () => (await waiters()) === 1, 5_000);
      req.destroy();
      await waitUntil("the service stopped waiting for the lock", async () => (await waiters()) === 0, 3_000);
      await waitUntil("the call is logged as cancelled", async () => logged("canceled") === cancelled + 1, 3_000);
    } finally {
      await lock.release();
    }
    assert.equal(await bookings(), 0, "nothing committed once the lock was free");
  });

  it("a booking that waits for a pool connection answers DEADLINE_EXCEEDED at its deadline, while the calls holding the connections complete", async () => {
    const lock = await holdBookingWrites(sut.db.dsn);
    let holders: Promise<unknown>[] = [];
    try {
      // Both pooled connections wait for the lock inside a booking each.
      holders = [grpc().createBooking(request("2049-05-17", "First")), grpc().createBooking(request("2049-05-17", "Second"))];
      await waitUntil("two bookings hold the pool's connections", async () => (await waiters()) === 2, 10_000);
      const started = performance.now();
      const err = await failure(grpc().createBooking(request("2049-05-17", "Third"), { timeoutMs: 300 }));
      assert.equal(err.code, Code.DeadlineExceeded, err.message);
      assert.ok(performance.now() - started < 2_000, "answered at the deadline, not at the pool's connection timeout");
    } finally {
      await lock.release();
    }
    const done = await Promise.allSettled(holders);
    assert.deepEqual(
      done.map((d) => d.status),
      ["fulfilled", "fulfilled"],
    );
    assert.equal(await bookings(), 2);
  });
});

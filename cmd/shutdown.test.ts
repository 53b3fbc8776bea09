import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { advisoryLockWaiters, holdBookingWrites } from "../internal/testkit/booking-writes-lock.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

describe("graceful shutdown", () => {
  it("finishes calls that were in flight when SIGTERM arrived, and exits 0", async () => {
    const service = await startServiceProcess({ dsn: db.dsn, env: { PG_POOL_MAX: "4" } });
    const client = createClient(BookingService, createGrpcTransport({ baseUrl: service.grpcUrl }));
    const book = (i: number) =>
      client.createBooking({
        firstName: "Burst",
        lastName: `N${"abcdefghij"[i % 10]}`,
        gender: Gender.OTHER,
        birthday: "1980-01-01",
        launchpadId: [PADS.cape, PADS.kennedy, PADS.vandenberg][i % 3],
        destination: Destination.MOON,
        launchDate: `2049-09-${String(1 + (i % 3)).padStart(2, "0")}`,
      });

    // Held as a SpaceX sync holds it: every booking waits inside its transaction (four of them
    // on the pool's connections, the others for a connection) until the test lets go.
    const lock = await holdBookingWrites(db.dsn);
    let settled = 0;
    const calls = Array.from({ length: 8 }, (_, i) => book(i).finally(() => settled++));
    try {
      await waitUntil("the pool's connections wait for the lock", async () => (await advisoryLockWaiters(db.dsn)) === 4);
      service.process.kill("SIGTERM");
      await service.process.waitForLine(/"msg":"shutting down"/);
      assert.equal(settled, 0, "every call was still in flight when the drain began");
    } finally {
      await lock.release();
    }

    const results = await Promise.allSettled(calls);
    const failures = results.filter((r) => r.status === "rejected").map((r) => ConnectError.from((r as PromiseRejectedResult).reason));
    assert.deepEqual(
      failures.map((e) => `${Code[e.code]} ${e.message}`),
      [],
      "in-flight calls completed",
    );
    const exit = await service.process.exited;
    assert.equal(exit.code, 0, service.process.stderr());
    assert.match(service.process.stdout(), /"msg":"stopped"/);
  });

  it("takes a repeat within a second as the same signal (npm forwards Ctrl-C), and a later one as 'exit now': 1, without the drain", async () => {
    const service = await startServiceProcess({ dsn: db.dsn, env: { PG_POOL_MAX: "2" } });
    const client = createClient(BookingService, createGrpcTransport({ baseUrl: service.grpcUrl }));
    const lock = await holdBookingWrites(db.dsn);
    try {
      const call = client.createBooking({
        firstName: "Held",
        lastName: "Back",
        gender: Gender.OTHER,
        birthday: "1980-01-01",
        launchpadId: PADS.cape,
        destination: Destination.MOON,
        launchDate: "2049-10-01",
      });
      call.catch(() => undefined); // the process exits under it
      await waitUntil("the booking waits for the lock", async () => (await advisoryLockWaiters(db.dsn)) === 1);
      service.process.kill("SIGTERM");
      const firstAt = performance.now();
      await service.process.waitForLine(/"msg":"shutting down"/);
      service.process.kill("SIGTERM"); // within the second: the same signal, the drain goes on
      await waitUntil("a second has passed since the first signal", async () => performance.now() - firstAt > 1_100);
      service.process.kill("SIGTERM");
      const exit = await service.process.exited;
      assert.equal(exit.code, 1, "exited at once, with the call still in flight");
      const forced = service.process.stdout().match(/"msg":"second signal: exiting now"/g) ?? [];
      assert.equal(forced.length, 1, "only the late signal forced the exit");
    } finally {
      await lock.release();
    }
  });
});

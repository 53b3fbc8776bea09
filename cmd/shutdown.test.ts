import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

describe("graceful shutdown", () => {
  it("finishes the in-flight calls of a burst on SIGTERM and exits 0", async () => {
    const service = await startServiceProcess({ dsn: db.dsn });
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
    await book(0); // the connection is up
    const burst = Array.from({ length: 60 }, (_, i) => book(i + 1));
    // Signal while the burst is in flight: the first answer proves requests are being served.
    await Promise.race(burst);
    service.process.kill("SIGTERM");
    const results = await Promise.allSettled(burst);
    const failures = results.filter((r) => r.status === "rejected").map((r) => ConnectError.from((r as PromiseRejectedResult).reason));
    assert.deepEqual(
      failures.map((e) => e.code),
      [],
      `in-flight calls failed: ${failures.map((e) => `${Code[e.code]} ${e.message}`).join("; ")}`,
    );
    const exit = await service.process.exited;
    assert.equal(exit.code, 0, service.process.stderr());
    assert.match(service.process.stdout(), /"msg":"stopped"/);
  });
});

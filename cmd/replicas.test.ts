import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";

let db: TestDatabase;
let replicas: ServiceProcess[];

before(async () => {
  db = await createTestDatabase();
  // Three replicas starting together also race their migrations (all already applied here).
  replicas = await Promise.all([1, 2, 3].map(() => startServiceProcess({ dsn: db.dsn, env: { LAUNCH_CAPACITY: "50" } })));
});
after(async () => {
  const exits = await Promise.all(replicas.map((r) => r.stop()));
  assert.deepEqual(exits, [0, 0, 0]);
  await db.drop();
});

describe("several replicas on one database", () => {
  it("200 CreateBooking calls spread over 3 processes fill exactly 50 seats on one launch", async () => {
    const clients = replicas.map((r) => createClient(BookingService, createGrpcTransport({ baseUrl: r.grpcUrl })));
    const calls = Array.from({ length: 200 }, (_, i) =>
      clients[i % clients.length].createBooking({
        firstName: "Racer",
        lastName: `N${"abcdefghijklmnopqrstuvwxyz"[i % 26]}`,
        gender: Gender.OTHER,
        birthday: "1985-05-05",
        launchpadId: PADS.cape,
        // Two destinations race for the day as well: exactly one may win it.
        destination: i % 4 === 0 ? Destination.PLUTO : Destination.MARS,
        launchDate: "2049-10-10",
      }),
    );
    const settled = await Promise.allSettled(calls);
    const ok = settled.filter((s) => s.status === "fulfilled");
    const codes = settled.filter((s) => s.status === "rejected").map((s) => ConnectError.from((s as PromiseRejectedResult).reason).code);
    assert.equal(ok.length, 50);
    assert.ok(
      codes.every((c) => c === Code.FailedPrecondition || c === Code.AlreadyExists),
      `only capacity and day-taken rejections: ${[...new Set(codes.map((c) => Code[c]))]}`,
    );
    const client = new pg.Client({ connectionString: db.dsn });
    await client.connect();
    try {
      const { rows } = await client.query<{ launches: number; seats: number; bookings: number }>(
        `select count(*)::int as launches, sum(booked_seats)::int as seats,
                (select count(*)::int from bookings where launch_date = '2049-10-10' and status = 'confirmed') as bookings
           from launches where launchpad_id = $1 and launch_date = '2049-10-10' and status = 'scheduled'`,
        [PADS.cape],
      );
      assert.deepEqual(rows[0], { launches: 1, seats: 50, bookings: 50 });
    } finally {
      await client.end();
    }
  });
});

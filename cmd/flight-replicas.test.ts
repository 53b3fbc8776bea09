import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { sql } from "kysely";
import { FlightBookingService } from "../gen/spacet/v1/flight_booking_pb.js";
import { FlightService, SeatClass } from "../gen/spacet/v1/flight_pb.js";
import type { Principal } from "../internal/domain/identity/principal.js";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightRequest, flightPlan, insertUser, seatLedger } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";
import { waitUntil } from "../internal/testkit/wait-until.js";
import { createFlightUseCases } from "./wiring/flight.js";
import { loadConfig } from "../config/config.js";

let db: TestDatabase;
let handle: DatabaseHandle;
let replicas: ServiceProcess[] = [];

before(async () => {
  db = await createTestDatabase();
  handle = openDatabase({ dsn: db.dsn, poolMax: 3 });
  // Three replicas on one database, each running the offer expiry job every second.
  replicas = await Promise.all([1, 2, 3].map(() => startServiceProcess({ dsn: db.dsn, env: { FLIGHT_EXPIRY_CRON: "* * * * * *" } })));
});
after(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await handle.close();
  await db.drop();
});

let operator: { headers: { authorization: string } };
let users: Principal[];
const flightClient = (r: ServiceProcess) => createClient(FlightService, createGrpcTransport({ baseUrl: r.grpcUrl }));

/** CreateFlight over gRPC as the operator. */
async function createFlight(r: ServiceProcess, capacity: { window: number; aisle: number; middle: number }, offerDurationMs = 7 * 86_400_000): Promise<string> {
  const { flight } = await flightClient(r).createFlight(createFlightRequest(flightPlan({ capacity, offerDurationMs })), operator);
  return flight?.flightId ?? "";
}

/** Every line a replica logged at error level (pino level 50+). */
const errorLines = (r: ServiceProcess) =>
  r.process
    .stdout()
    .split("\n")
    .filter((l) => /"level":(5|6)\d/.test(l));

describe("flights on several replicas", () => {
  before(async () => {
    operator = { headers: bearer(await mintTestToken(await insertUser(handle.db, "operator"))) };
    users = await Promise.all(Array.from({ length: 20 }, () => insertUser(handle.db)));
  });

  it("200 BookFlight calls over 3 processes on one 50-seat flight sell exactly 50 seats, close it once, refuse the rest cleanly", async () => {
    const flightId = await createFlight(replicas[0], { window: 20, aisle: 20, middle: 10 });
    const tokens = await Promise.all(users.map((u) => mintTestToken(u)));
    const clients = replicas.map((r) => createClient(FlightBookingService, createGrpcTransport({ baseUrl: r.grpcUrl })));
    const classes = [SeatClass.WINDOW, SeatClass.AISLE, SeatClass.MIDDLE];
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        clients[i % 3].bookFlight({ flightId, seats: [{ seatClass: classes[i % 3], count: 1 }] }, { headers: bearer(tokens[i % tokens.length]) }),
      ),
    );
    const confirmed = settled.filter((s) => s.status === "fulfilled").length;
    const codes = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => ConnectError.from(s.reason).code);
    assert.equal(confirmed, 50);
    assert.deepEqual([...new Set(codes.map((c) => Code[c]))], ["FailedPrecondition"], "every refusal is FAILED_PRECONDITION, none INTERNAL");

    const ledger = await seatLedger(handle.db, flightId);
    assert.deepEqual(
      [ledger.sold, ledger.available, ledger.min_available, ledger.status, ledger.close_reason, ledger.closed_events],
      [50, 0, 0, "closed", "sold_out", 1],
    );
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from flight_bookings where flight_id = ${flightId}`.execute(handle.db);
    assert.equal(rows[0].n, 50, "no booking row without its seats");
    assert.deepEqual(replicas.flatMap(errorLines), [], "no replica logged an error");
  });

  it("the expiry job running on 3 processes closes each expired flight exactly once", async () => {
    const flights = await Promise.all([0, 1, 2, 0, 1].map((i) => createFlight(replicas[i], { window: 5, aisle: 0, middle: 0 }, 500)));
    await waitUntil("every short offer was closed by a replica's job", async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from flights where id = any(${flights}::uuid[]) and status = 'closed'`.execute(
        handle.db,
      );
      return rows[0].n === flights.length;
    });
    for (const id of flights) {
      const ledger = await seatLedger(handle.db, id);
      assert.deepEqual([ledger.close_reason, ledger.closed_events], ["offer_expired", 1], id);
    }
  });

  it("closes a flight whose offer ended while every process was stopped, at the first tick after start", async () => {
    const exits = await Promise.all(replicas.map((r) => r.stop()));
    replicas = [];
    assert.deepEqual(exits, [0, 0, 0]);
    // Created while nothing runs, with a short offer that ends before any process is back.
    const uc = createFlightUseCases({ db: handle.db, settings: loadConfig({ env: {} }).flights });
    const flight = await uc.createFlight(flightPlan({ offerDurationMs: 300 }));
    await waitUntil(
      "the offer ended by the database clock",
      async () => (await sql<{ ended: boolean }>`select clock_timestamp() >= ${flight.offerExpiresAt}::timestamptz as ended`.execute(handle.db)).rows[0].ended,
    );
    assert.equal((await uc.getFlight(flight.id)).status, "open", "nothing closed it while stopped");
    // A yearly schedule: only the run at start-up can close it within the wait below.
    replicas = [await startServiceProcess({ dsn: db.dsn, env: { FLIGHT_EXPIRY_CRON: "0 0 1 1 *" } })];
    await waitUntil("the restarted service closed the flight", async () => (await uc.getFlight(flight.id)).status === "closed");
    const ledger = await seatLedger(handle.db, flight.id);
    assert.deepEqual([ledger.close_reason, ledger.closed_events], ["offer_expired", 1]);
  });
});

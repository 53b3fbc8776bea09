import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { sql } from "kysely";
import { DomainError } from "../../domain/errors.js";
import { FlightUnavailableError } from "../../domain/flight/availability.js";
import type { Principal } from "../../domain/identity/principal.js";
import { flightPlan, insertUser, seatLedger } from "../../testkit/flight-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { useFlightUseCases } from "./testdata/flight-use-cases.js";

// TONX asks for up to 10 tickets at once; the per-booking maximum is raised to match.
const ctx = useFlightUseCases({ settings: { maxSeatsPerBooking: 10 }, poolMax: 12 });
let users: Principal[];

/**
 * `n` bookings of `seats` window seats started together and spread over three coordinators,
 * as three replicas would send them (each batches its own share; they race on the row lock).
 */
async function race(flightId: string, n: number, seats: { window: number; aisle?: number }) {
  const replicas = [ctx.uc, ctx.with({}), ctx.with({})];
  const selection = Object.entries(seats)
    .filter(([, count]) => count)
    .map(([seatClass, count]) => ({ seatClass, count: count as number }));
  const settled = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => replicas[i % 3].bookFlight(users[i % users.length], { flightId, seats: selection, requestId: undefined })),
  );
  const refusals = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => s.reason as unknown);
  for (const e of refusals) {
    assert.ok(e instanceof FlightUnavailableError, `only refusals by the flight, got ${String(e)}`);
    assert.ok(e.reason === "INSUFFICIENT_SEATS" || e.reason === "FLIGHT_CLOSED", e.reason);
  }
  return { confirmed: settled.length - refusals.length, refused: refusals.length };
}

describe("racing bookings on one flight", () => {
  before(async () => {
    users = await Promise.all(Array.from({ length: 10 }, () => insertUser(ctx.handle.db)));
  });

  // TONX's table: clients × tickets each / seats → bookings confirmed.
  for (const [clients, tickets, seats, expected] of [
    [4, 1, 2, 2],
    [10, 1, 10, 10],
    [10, 1, 1, 1],
    [10, 10, 1, 0],
    [100, 1, 1, 1],
  ] as const) {
    it(`${clients} clients × ${tickets} ticket(s) on ${seats} seat(s): ${expected} confirmed, the rest refused, never oversold`, async () => {
      const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: seats, aisle: 0, middle: 0 } }));
      const { confirmed, refused } = await race(flight.id, clients, { window: tickets });
      assert.deepEqual([confirmed, refused], [expected, clients - expected]);
      const ledger = await seatLedger(ctx.handle.db, flight.id);
      assert.deepEqual(
        [ledger.sold, ledger.available, ledger.closed_events, ledger.status],
        [expected * tickets, seats - expected * tickets, expected * tickets === seats ? 1 : 0, expected * tickets === seats ? "closed" : "open"],
      );
    });
  }

  it("a mixed-class request that fits one class but not the other changes nothing, however many race", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 5, aisle: 1, middle: 0 } }));
    const { confirmed } = await race(flight.id, 10, { window: 1, aisle: 1 });
    assert.equal(confirmed, 1, "only the aisle seat limits");
    const after = await ctx.uc.getFlight(flight.id);
    assert.deepEqual([after.available, after.version], [{ window: 4, aisle: 0, middle: 0 }, 2], "the refused requests took no window seat");
  });
});

describe("the offer window is judged by the database clock once the row is locked", () => {
  before(async () => {
    users ??= [await insertUser(ctx.handle.db)];
  });

  it("refuses a booking that waited on the row lock past the offer's end, and closes the flight once", async () => {
    const uc = ctx.with({ bookingLockTimeoutMs: 30_000 });
    const flight = await uc.createFlight(flightPlan({ offerDurationMs: 1_500 }));
    const holder = await ctx.handle.pool.connect();
    let pending: Promise<unknown> | undefined;
    try {
      await holder.query("begin");
      await holder.query("select 1 from flights where id = $1 for update", [flight.id]);
      // Sent while the offer is open; it queues behind the holder's lock.
      pending = uc.bookFlight(users[0], { flightId: flight.id, seats: [{ seatClass: "window", count: 1 }], requestId: undefined }).catch((e: unknown) => e);
      await waitUntil("the booking waits on the flight's row lock", async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock' and query like '%book_flight_seats%'`.execute(ctx.handle.db);
        return rows[0].n === 1;
      });
      await waitUntil(
        "the offer has ended by the database clock",
        async () => (await holder.query<{ ended: boolean }>("select clock_timestamp() > $1::timestamptz as ended", [flight.offerExpiresAt])).rows[0].ended,
      );
      assert.equal((await ctx.uc.getFlight(flight.id)).status, "open", "nobody closed it meanwhile");
    } finally {
      await holder.query("commit");
      holder.release();
    }
    const e = await pending;
    assert.ok(e instanceof FlightUnavailableError, String(e));
    assert.deepEqual([e.reason, e.availability.status, e.availability.closeReason], ["FLIGHT_CLOSED", "closed", "offer_expired"]);
    const ledger = await seatLedger(ctx.handle.db, flight.id);
    assert.deepEqual([ledger.sold, ledger.closed_events], [0, 1]);
    assert.equal(await ctx.uc.closeExpiredFlights(), 0, "the expiry job finds nothing left to close");
  });

  it("answers FLIGHT_BUSY (UNAVAILABLE, with a retry delay) when the lock is held past the lock timeout", async () => {
    const uc = ctx.with({ bookingLockTimeoutMs: 200 });
    const flight = await uc.createFlight(flightPlan());
    const holder = await ctx.handle.pool.connect();
    try {
      await holder.query("begin");
      await holder.query("select 1 from flights where id = $1 for update", [flight.id]);
      const e = await uc
        .bookFlight(users[0], { flightId: flight.id, seats: [{ seatClass: "window", count: 1 }], requestId: undefined })
        .catch((err: unknown) => err);
      assert.ok(e instanceof DomainError, String(e));
      assert.deepEqual([e.kind, e.reason, (e.retryAfterMs ?? 0) > 0], ["unavailable", "FLIGHT_BUSY", true]);
    } finally {
      await holder.query("rollback");
      holder.release();
    }
    assert.equal((await seatLedger(ctx.handle.db, flight.id)).sold, 0);
  });
});

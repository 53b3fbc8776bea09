import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { sql } from "kysely";
import type { SeatRequest } from "../../../app/flight/ports.js";
import { DomainError } from "../../../domain/errors.js";
import { type Flight, scheduleFlight } from "../../../domain/flight/flight.js";
import type { Principal } from "../../../domain/identity/principal.js";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";
import { flightPlan, insertUser, seatLedger } from "../../../testkit/flight-fixtures.js";
import { waitUntil } from "../../../testkit/wait-until.js";
import { createBatchingSeatCoordinator } from "./batching-seat-coordinator.js";
import { createFlightRepository } from "./flight-repository.js";
import { createSeatStatement, type SeatStatement } from "./seat-statement.js";

const db = useDatabaseHandle({ poolMax: 6 });
let user: Principal;

async function newFlight(window: number): Promise<Flight> {
  const flight = scheduleFlight(flightPlan({ capacity: { window, aisle: 0, middle: 0 } }), randomUUID(), new Date());
  await createFlightRepository(db.handle.db).insert(flight);
  return flight;
}

const request = (flightId: string, who: Pick<Principal, "userId" | "username"> = user): SeatRequest => ({
  flightId,
  bookingId: randomUUID(),
  userId: who.userId,
  userName: who.username,
  requestId: undefined,
  seats: { window: 1, aisle: 0, middle: 0 },
});

/** The real statement, watched: statements in flight per flight (and the most ever), batch sizes. */
function watched(real: SeatStatement) {
  const inFlight = new Map<string, number>();
  const seen = { most: 0, batches: [] as number[] };
  const statement: SeatStatement = {
    async book(flightId, requests) {
      const n = (inFlight.get(flightId) ?? 0) + 1;
      inFlight.set(flightId, n);
      seen.most = Math.max(seen.most, n);
      seen.batches.push(requests.length);
      try {
        return await real.book(flightId, requests);
      } finally {
        inFlight.set(flightId, (inFlight.get(flightId) ?? 1) - 1);
      }
    },
  };
  return { statement, seen };
}

/** Holds a flight's row lock on a connection of its own until `release` (a slow booking elsewhere). */
async function holdRow(flightId: string) {
  const holder = await db.handle.pool.connect();
  await holder.query("begin");
  await holder.query("select 1 from flights where id = $1 for update", [flightId]);
  return {
    async release() {
      await holder.query("commit");
      holder.release();
    },
  };
}

const waitingOnLock = () =>
  waitUntil("a statement waits on the row lock", async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and query like '%book_flight_seats%'`.execute(db.handle.db);
    return rows[0].n > 0;
  });

describe("the batching coordinator", () => {
  before(async () => {
    user = await insertUser(db.handle.db);
  });

  it("keeps one statement per flight in flight, batches what arrives meanwhile, and decides in arrival order", async () => {
    const { statement, seen } = watched(createSeatStatement(db.handle.db, { lockTimeoutMs: 5_000 }));
    const coordinator = createBatchingSeatCoordinator({ statement, maxBatch: 16, maxQueue: 1_000 });
    const [hot, other] = [await newFlight(10), await newFlight(100)];
    const calls = Array.from({ length: 60 }, (_, i) => coordinator.book(request(i % 6 === 5 ? other.id : hot.id)));
    const decisions = await Promise.all(calls);

    assert.equal(seen.most, 1, "never two statements for one flight at once");
    assert.ok(seen.batches.length < 60 && Math.max(...seen.batches) <= 16, `batches: ${seen.batches}`);
    const hotOutcomes = decisions.filter((_, i) => i % 6 !== 5).map((d) => d.outcome);
    assert.deepEqual(hotOutcomes, [...Array(10).fill("confirmed"), ...Array(40).fill("flight_closed")], "the first ten callers got the ten seats");
    assert.ok(decisions.filter((_, i) => i % 6 === 5).every((d) => d.outcome === "confirmed"));
    assert.deepEqual([(await seatLedger(db.handle.db, hot.id)).sold, (await seatLedger(db.handle.db, other.id)).sold], [10, 10]);
  });

  it("refuses calls beyond the per-flight queue (RESOURCE_EXHAUSTED with a retry delay) and serves the queued ones", async () => {
    const coordinator = createBatchingSeatCoordinator({ statement: createSeatStatement(db.handle.db, { lockTimeoutMs: 10_000 }), maxBatch: 4, maxQueue: 5 });
    const flight = await newFlight(50);
    const lock = await holdRow(flight.id);
    const first = coordinator.book(request(flight.id)); // in the database, waiting on the lock
    await waitingOnLock();
    const queued = Array.from({ length: 5 }, () => coordinator.book(request(flight.id)));
    const refused = await Promise.allSettled(Array.from({ length: 3 }, () => coordinator.book(request(flight.id))));
    await lock.release();
    for (const r of refused) {
      assert.equal(r.status, "rejected");
      const e = (r as PromiseRejectedResult).reason as unknown;
      assert.ok(e instanceof DomainError && e.kind === "exhausted" && e.reason === "FLIGHT_BOOKING_QUEUE_FULL" && (e.retryAfterMs ?? 0) > 0, String(e));
    }
    const served = await Promise.all([first, ...queued]);
    assert.deepEqual(
      served.map((d) => d.outcome),
      Array(6).fill("confirmed"),
    );
    assert.equal((await seatLedger(db.handle.db, flight.id)).sold, 6);
  });

  it("fails only the request the database refuses; the others of its batch are still decided", async () => {
    const coordinator = createBatchingSeatCoordinator({ statement: createSeatStatement(db.handle.db, { lockTimeoutMs: 10_000 }), maxBatch: 16, maxQueue: 100 });
    const flight = await newFlight(10);
    const lock = await holdRow(flight.id);
    const first = coordinator.book(request(flight.id));
    await waitingOnLock();
    // Queued together behind the first: one of them names a user the database does not know.
    const batch = [request(flight.id), request(flight.id, { userId: randomUUID(), username: "ghost" }), request(flight.id)].map((r) => coordinator.book(r));
    await lock.release();
    const results = await Promise.allSettled([first, ...batch]);
    assert.deepEqual(
      results.map((r) => (r.status === "fulfilled" ? r.value.outcome : ((r.reason as DomainError).reason ?? String(r.reason)))),
      ["confirmed", "confirmed", "USER_UNKNOWN", "confirmed"],
    );
    assert.equal((await seatLedger(db.handle.db, flight.id)).sold, 3);
  });

  it("lets a caller that goes away withdraw a request still waiting; a request already sent stands", async () => {
    const coordinator = createBatchingSeatCoordinator({ statement: createSeatStatement(db.handle.db, { lockTimeoutMs: 10_000 }), maxBatch: 16, maxQueue: 100 });
    const flight = await newFlight(10);
    const lock = await holdRow(flight.id);
    const sent = new AbortController();
    const first = coordinator.book(request(flight.id), { signal: sent.signal });
    await waitingOnLock();
    const waiting = new AbortController();
    const withdrawn = coordinator.book(request(flight.id), { signal: waiting.signal });
    const kept = coordinator.book(request(flight.id));
    waiting.abort(new Error("the client went away"));
    sent.abort(new Error("the client went away too"));
    await assert.rejects(withdrawn, /the client went away/);
    await lock.release();
    assert.deepEqual([(await first).outcome, (await kept).outcome], ["confirmed", "confirmed"], "the sent request's decision stands");
    assert.equal((await seatLedger(db.handle.db, flight.id)).sold, 2, "the withdrawn request took no seat");
  });
});

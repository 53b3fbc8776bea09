import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { type DescMessage, equals, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { sql } from "kysely";
import { FlightAvailabilityChangedSchema, FlightBookingConfirmedSchema, FlightClosedSchema } from "../../../../gen/spacet/events/v1/flight_events_pb.js";
import type { SeatDecision, SeatRequest } from "../../../app/flight/ports.js";
import { bookingConfirmed, availabilityChanged, type FlightEvent, flightClosed } from "../../../domain/flight/events.js";
import { type Flight, scheduleFlight } from "../../../domain/flight/flight.js";
import type { SeatCounts } from "../../../domain/flight/seat-class.js";
import type { Principal } from "../../../domain/identity/principal.js";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";
import { flightPlan, flightRowCounts, insertUser } from "../../../testkit/flight-fixtures.js";
import { waitUntil } from "../../../testkit/wait-until.js";
import { FLIGHT_EVENT_ENCODERS } from "../../outbox/flight/event-encoders.js";
import { createFlightRepository } from "./flight-repository.js";
import { toFlight, toFlightBooking } from "./rows.js";
import { createSeatStatement, type SeatStatement } from "./seat-statement.js";

const db = useDatabaseHandle({ poolMax: 4 });
let statement: SeatStatement;
let users: Principal[];

async function newFlight(capacity: SeatCounts, offerDurationMs?: number): Promise<Flight> {
  const flight = scheduleFlight(flightPlan({ capacity, ...(offerDurationMs ? { offerDurationMs } : {}) }), randomUUID(), new Date());
  await createFlightRepository(db.handle.db).insert(flight);
  return flight;
}

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One abstract request: who, which seats, which idempotency key (index into a per-flight pool), if any. */
interface Step {
  readonly user: number;
  readonly seats: SeatCounts;
  readonly key: number | undefined;
}

function sequence(rnd: () => number, length: number): Step[] {
  const pick = (n: number) => Math.floor(rnd() * n);
  const steps: Step[] = [];
  for (let i = 0; i < length; i++) {
    // Retries of an earlier step now and then: the same user, seats and key.
    const earlier = steps.filter((s) => s.key !== undefined);
    if (earlier.length > 0 && rnd() < 0.15) {
      steps.push(earlier[pick(earlier.length)]);
      continue;
    }
    const seats = { window: pick(3), aisle: pick(3), middle: rnd() < 0.1 ? 1 : 0 };
    if (seats.window + seats.aisle + seats.middle === 0) seats.window = 1;
    // Keys from a small pool, so a key is sometimes reused for another request.
    steps.push({ user: pick(users.length), seats, key: rnd() < 0.5 ? pick(6) : undefined });
  }
  return steps;
}

/** The steps as requests for one flight: its own booking ids and its own key pool, so two flights never share a key. */
function requests(flight: Flight, steps: readonly Step[]): SeatRequest[] {
  const keys = Array.from({ length: 6 }, () => randomUUID());
  return steps.map((s) => ({
    flightId: flight.id,
    bookingId: randomUUID(),
    userId: users[s.user].userId,
    userName: users[s.user].username,
    requestId: s.key === undefined ? undefined : keys[s.key],
    seats: s.seats,
  }));
}

/** A decision with ids replaced by request positions and times left out, for comparing two flights. */
function comparable(d: SeatDecision, reqs: readonly SeatRequest[]): unknown {
  if (!("availability" in d)) return d;
  const { flightId: _f, offerExpiresAt: _o, ...availability } = d.availability;
  if (!("booking" in d)) return { outcome: d.outcome, availability };
  const b = d.booking;
  return {
    outcome: d.outcome,
    availability,
    booking: {
      made: reqs.findIndex((r) => r.bookingId === b.id),
      key: reqs.findIndex((r) => r.requestId !== undefined && r.requestId === b.requestId),
      user: b.userId,
      seats: b.seats,
      totalPrice: b.totalPrice,
      status: b.status,
    },
  };
}

/** What the database holds for a flight, ids replaced by request positions, times left out. */
async function stored(flight: Flight, reqs: readonly SeatRequest[]) {
  const f = toFlight(await db.handle.db.selectFrom("flights").selectAll().where("id", "=", flight.id).executeTakeFirstOrThrow());
  const bookings = (await db.handle.db.selectFrom("flight_bookings").selectAll().where("flight_id", "=", flight.id).orderBy("seq").execute()).map((row) => ({
    made: reqs.findIndex((r) => r.bookingId === row.id),
    user: row.user_id,
    seats: [row.window_seats, row.aisle_seats, row.middle_seats],
    total: row.total_price_minor,
    status: row.status,
  }));
  const events = (await db.handle.db.selectFrom("outbox").select(["event_type", "payload"]).where("aggregate_id", "=", flight.id).orderBy("seq").execute()).map(
    (e) => {
      const p = e.payload as Record<string, unknown>;
      return [e.event_type, (p.availability as { version?: string } | undefined)?.version ?? p.flightVersion];
    },
  );
  return { available: f.available, status: f.status, closeReason: f.closeReason, version: f.version, bookings, events };
}

describe("book_flight_seats", () => {
  before(async () => {
    statement = createSeatStatement(db.handle.db, { lockTimeoutMs: 5_000 });
    users = await Promise.all([1, 2, 3, 4].map(() => insertUser(db.handle.db)));
  });

  it("decides a batch exactly as it decides the same requests one at a time: outcomes, rows and events", async () => {
    // Random sequences (mixed classes, a class without seats, retries, reused keys, sell-outs)
    // run on two identical flights: one request per statement on one, random batches on the other.
    for (let seed = 1; seed <= 25; seed++) {
      const rnd = random(seed);
      const steps = sequence(rnd, 40);
      const capacity = { window: 6 + Math.floor(rnd() * 6), aisle: 4, middle: seed % 3 === 0 ? 2 : 0 };
      const [one, batched] = [await newFlight(capacity), await newFlight(capacity)];
      const [oneReqs, batchedReqs] = [requests(one, steps), requests(batched, steps)];

      const oneByOne: SeatDecision[] = [];
      for (const r of oneReqs) oneByOne.push(...(await statement.book(one.id, [r])));
      const inBatches: SeatDecision[] = [];
      for (let i = 0; i < batchedReqs.length; ) {
        const size = 1 + Math.floor(rnd() * 16);
        inBatches.push(...(await statement.book(batched.id, batchedReqs.slice(i, i + size))));
        i += size;
      }

      assert.deepEqual(
        inBatches.map((d) => comparable(d, batchedReqs)),
        oneByOne.map((d) => comparable(d, oneReqs)),
        `seed ${seed}`,
      );
      assert.deepEqual(await stored(batched, batchedReqs), await stored(one, oneReqs), `seed ${seed}`);
    }
  });

  it("covers confirmations, retries, reused keys, missing classes, shortages and sell-outs across the sequences", async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 25; seed++) {
      const rnd = random(seed);
      const steps = sequence(rnd, 40);
      const flight = await newFlight({ window: 6 + Math.floor(rnd() * 6), aisle: 4, middle: seed % 3 === 0 ? 2 : 0 });
      for (const d of await statement.book(flight.id, requests(flight, steps))) seen.add(d.outcome);
    }
    assert.deepEqual([...seen].sort(), ["confirmed", "flight_closed", "insufficient_seats", "replayed", "request_id_reused", "seat_class_not_offered"]);
  });

  it("answers flight_not_found for every request of a batch on an unknown flight, and writes nothing", async () => {
    const ghost = { ...(await newFlight({ window: 1, aisle: 0, middle: 0 })), id: randomUUID() };
    const before = await flightRowCounts(db.handle.db);
    const decisions = await statement.book(ghost.id, requests(ghost, sequence(random(99), 3)));
    assert.deepEqual(
      decisions.map((d) => d.outcome),
      ["flight_not_found", "flight_not_found", "flight_not_found"],
    );
    assert.deepEqual(await flightRowCounts(db.handle.db), before);
  });
});

/** Both encodings of one event decode to equal messages (JSON spelling may differ: defaults, key order). */
function assertSameMessage(schema: DescMessage, fromSql: unknown, fromTs: unknown, what: string) {
  const a = fromJson(schema, fromSql as JsonValue);
  const b = fromJson(schema, fromTs as JsonValue);
  assert.ok(equals(schema, a, b), `${what}:\nSQL ${JSON.stringify(fromSql)}\nTS  ${JSON.stringify(fromTs)}`);
}

const SCHEMAS: Record<string, DescMessage> = {
  FlightBookingConfirmed: FlightBookingConfirmedSchema,
  FlightAvailabilityChanged: FlightAvailabilityChangedSchema,
  FlightClosed: FlightClosedSchema,
};

async function outboxOf(flightId: string) {
  return db.handle.db.selectFrom("outbox").select(["event_type", "payload"]).where("aggregate_id", "=", flightId).orderBy("seq").execute();
}

function assertEncodedAs(rows: Awaited<ReturnType<typeof outboxOf>>, expected: FlightEvent[]) {
  assert.deepEqual(
    rows.map((r) => r.event_type),
    expected.map((e) => FLIGHT_EVENT_ENCODERS[e.type].eventType),
  );
  rows.forEach((row, i) => {
    const event = expected[i];
    const encoder = FLIGHT_EVENT_ENCODERS[event.type] as { encode(e: FlightEvent): unknown };
    assertSameMessage(SCHEMAS[event.type], row.payload, encoder.encode(event), `${event.type} #${i}`);
  });
}

describe("the coordinator's events", () => {
  it("are the messages the TypeScript encoders make for the same changes (booking, availability, sell-out)", async () => {
    const flight = await newFlight({ window: 2, aisle: 1, middle: 0 });
    const [first] = requests(flight, [{ user: 0, seats: { window: 1, aisle: 0, middle: 0 }, key: 0 }]);
    const [second] = requests(flight, [{ user: 1, seats: { window: 1, aisle: 1, middle: 0 }, key: undefined }]);
    await statement.book(flight.id, [first, second]);
    const bookings = (await db.handle.db.selectFrom("flight_bookings").selectAll().where("flight_id", "=", flight.id).orderBy("seq").execute()).map(
      toFlightBooking,
    );
    const after1: Flight = { ...flight, available: { window: 1, aisle: 1, middle: 0 }, version: 2, updatedAt: bookings[0].createdAt };
    const after2: Flight = {
      ...after1,
      available: { window: 0, aisle: 0, middle: 0 },
      version: 3,
      status: "closed",
      closeReason: "sold_out",
      updatedAt: bookings[1].createdAt,
    };
    assertEncodedAs(await outboxOf(flight.id), [
      bookingConfirmed(bookings[0], after1),
      availabilityChanged(after1),
      bookingConfirmed(bookings[1], after2),
      availabilityChanged(after2),
      flightClosed(after2),
    ]);
  });

  it("close an expired offer found by a booking with the FlightClosed the encoders make", async () => {
    const flight = await newFlight({ window: 2, aisle: 0, middle: 0 }, 200);
    await waitUntil(
      "the offer ended by the database clock",
      async () =>
        (await sql<{ ended: boolean }>`select clock_timestamp() >= ${flight.offerExpiresAt}::timestamptz as ended`.execute(db.handle.db)).rows[0].ended,
    );
    const [decision] = await statement.book(flight.id, requests(flight, [{ user: 0, seats: { window: 1, aisle: 0, middle: 0 }, key: undefined }]));
    assert.equal(decision.outcome, "flight_closed");
    const closed = toFlight(await db.handle.db.selectFrom("flights").selectAll().where("id", "=", flight.id).executeTakeFirstOrThrow());
    assert.deepEqual([closed.status, closed.closeReason, closed.version], ["closed", "offer_expired", 2]);
    assertEncodedAs(await outboxOf(flight.id), [flightClosed(closed)]);
  });
});

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import { FlightUnavailableError } from "../../domain/flight/availability.js";
import type { Principal } from "../../domain/identity/principal.js";
import { flightEventTypes, flightPlan, flightRowCounts, insertUser } from "../../testkit/flight-fixtures.js";
import { useFlightUseCases } from "./testdata/flight-use-cases.js";

const ctx = useFlightUseCases();
let ada: Principal;
let bob: Principal;

/** Asserts the call fails with this kind and reason and writes nothing; returns the error. */
async function rejects(call: () => Promise<unknown>, kind: DomainError["kind"], reason: string): Promise<DomainError> {
  const before = await flightRowCounts(ctx.handle.db);
  const caught = await call().then(
    () => assert.fail(`expected ${reason}`),
    (e: unknown) => e,
  );
  assert.ok(caught instanceof DomainError, `expected DomainError ${reason}, got ${String(caught)}`);
  assert.deepEqual([caught.kind, caught.reason], [kind, reason], caught.message);
  assert.deepEqual(await flightRowCounts(ctx.handle.db), before, "a refused booking wrote rows");
  return caught;
}

const seats = (window: number, aisle = 0, middle = 0) =>
  Object.entries({ window, aisle, middle })
    .filter(([, n]) => n !== 0)
    .map(([seatClass, count]) => ({ seatClass, count }));
const book = (who: Principal, flightId: string, s: ReturnType<typeof seats>, requestId?: string) => ctx.uc.bookFlight(who, { flightId, seats: s, requestId });

describe("BookFlight", () => {
  // Inside the suite: Node 20 runs root-level before hooks concurrently, and the database comes from one.
  before(async () => {
    [ada, bob] = [await insertUser(ctx.handle.db), await insertUser(ctx.handle.db)];
  });

  it("books seats in several classes at once: seats taken, price, the booking and its events in one change", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 3, aisle: 2, middle: 0 } }));
    const b = await book(ada, flight.id, seats(2, 1));
    assert.deepEqual(
      [b.status, b.seats, b.totalPrice, b.userId, b.userName],
      ["confirmed", { window: 2, aisle: 1, middle: 0 }, { currency: "EUR", amountMinor: 3 * 12_999 }, ada.userId, ada.username],
    );
    const after = await ctx.uc.getFlight(flight.id);
    assert.deepEqual([after.available, after.version, after.status], [{ window: 1, aisle: 1, middle: 0 }, 2, "open"]);
    assert.deepEqual(await flightEventTypes(ctx.handle.db, flight.id), ["FlightCreated", "FlightBookingConfirmed", "FlightAvailabilityChanged"]);
  });

  it("refuses negative, zero, unknown-class, repeated-class and too-large requests as INVALID_ARGUMENT naming seats, writing nothing", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    for (const bad of [seats(-1), [{ seatClass: "window", count: 0 }], [], [{ seatClass: "first", count: 1 }], [...seats(1), ...seats(1)], seats(5, 5)]) {
      const e = await rejects(() => book(ada, flight.id, bad), "invalid", "INVALID_FIELDS");
      assert.deepEqual(
        e.violations.map((v) => v.field),
        e.violations.map(() => "seats"),
        JSON.stringify(bad),
      );
    }
  });

  it("refuses a class the flight does not offer (capacity 0), naming seats and the class", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 5, aisle: 0, middle: 5 } }));
    const e = await rejects(() => book(ada, flight.id, seats(1, 1)), "invalid", "INVALID_FIELDS");
    assert.deepEqual([e.violations[0].field, e.violations[0].rule], ["seats", "seats.class_offered"]);
    assert.match(e.violations[0].message, /no aisle seats/);
  });

  it("answers NOT_FOUND for a flight that does not exist", async () => {
    await rejects(() => book(ada, "3f2b1c4d-0000-4000-8000-000000000000", seats(1)), "not_found", "FLIGHT_NOT_FOUND");
  });

  it("refuses a request one class cannot fill (INSUFFICIENT_SEATS) and changes nothing in the other classes", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 1, aisle: 5, middle: 0 } }));
    const e = await rejects(() => book(ada, flight.id, seats(2, 2)), "precondition", "INSUFFICIENT_SEATS");
    assert.ok(e instanceof FlightUnavailableError);
    assert.deepEqual([e.availability.status, e.availability.available, e.availability.version], ["open", { window: 1, aisle: 5, middle: 0 }, 1]);
  });

  it("closes the flight with the last seat (one FlightClosed), then refuses FLIGHT_CLOSED with the availability", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 1, aisle: 1, middle: 0 } }));
    await book(ada, flight.id, seats(1));
    await book(bob, flight.id, seats(0, 1));
    const e = await rejects(() => book(ada, flight.id, seats(1)), "precondition", "FLIGHT_CLOSED");
    assert.ok(e instanceof FlightUnavailableError);
    assert.deepEqual(
      [e.availability.status, e.availability.closeReason, e.availability.available, e.availability.version],
      ["closed", "sold_out", { window: 0, aisle: 0, middle: 0 }, 3],
    );
    assert.deepEqual(await flightEventTypes(ctx.handle.db, flight.id), [
      "FlightCreated",
      "FlightBookingConfirmed",
      "FlightAvailabilityChanged",
      "FlightBookingConfirmed",
      "FlightAvailabilityChanged",
      "FlightClosed",
    ]);
  });

  it("refuses bookings on a boarding flight (FLIGHT_CLOSED, departed) and on a cancelled one (FLIGHT_CANCELLED)", async () => {
    const boarding = await ctx.uc.createFlight(flightPlan());
    await ctx.uc.updateFlightStatus({ flightId: boarding.id, operationalStatus: "on_time" });
    await ctx.uc.updateFlightStatus({ flightId: boarding.id, operationalStatus: "boarding" });
    const closed = await rejects(() => book(ada, boarding.id, seats(1)), "precondition", "FLIGHT_CLOSED");
    assert.equal((closed as FlightUnavailableError).availability.closeReason, "departed");

    const cancelled = await ctx.uc.createFlight(flightPlan());
    await ctx.uc.cancelFlight(cancelled.id);
    const e = await rejects(() => book(ada, cancelled.id, seats(1)), "precondition", "FLIGHT_CANCELLED");
    assert.equal((e as FlightUnavailableError).availability.status, "cancelled");
  });

  it("returns the original booking for a retry with the same request_id, and refuses the id for another request", async () => {
    const [flight, other] = [await ctx.uc.createFlight(flightPlan()), await ctx.uc.createFlight(flightPlan())];
    const requestId = "6f1c8c5e-5a4b-4f7e-9d59-2f1f6a0e8b11";
    const first = await book(ada, flight.id, seats(2), requestId);
    const counts = await flightRowCounts(ctx.handle.db);
    assert.deepEqual(await book(ada, flight.id, seats(2), requestId), first);
    assert.deepEqual(await flightRowCounts(ctx.handle.db), counts, "a retry writes nothing");
    await rejects(() => book(ada, flight.id, seats(1), requestId), "invalid", "REQUEST_ID_REUSED");
    await rejects(() => book(ada, other.id, seats(2), requestId), "invalid", "REQUEST_ID_REUSED");
    // The key is per user: another user's request with the same id is a booking of its own.
    assert.notEqual((await book(bob, flight.id, seats(2), requestId)).id, first.id);
  });

  it("answers a retry with the original booking even once the flight is sold out", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 1, aisle: 0, middle: 0 } }));
    const requestId = "0b7e1f1e-1c1d-4d5e-8f9a-000000000001";
    const first = await book(ada, flight.id, seats(1), requestId);
    assert.deepEqual(await book(ada, flight.id, seats(1), requestId), first);
  });
});

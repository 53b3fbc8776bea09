import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { createFlightUseCases } from "../../../cmd/wiring/flight.js";
import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";
import { createStatementCounter } from "../../infra/postgres/statement-counter.js";
import { flightEventTypes, flightPlan, insertUser, seatLedger } from "../../testkit/flight-fixtures.js";
import { flightSettings, useFlightUseCases } from "./testdata/flight-use-cases.js";

const ctx = useFlightUseCases();
let ada: Principal;
let bob: Principal;
let operator: Principal;

const window = (count: number) => [{ seatClass: "window", count }];
const book = (who: Principal, flightId: string, count = 1) => ctx.uc.bookFlight(who, { flightId, seats: window(count), requestId: undefined });

async function fails(call: () => Promise<unknown>, kind: DomainError["kind"], reason: string): Promise<void> {
  const e = await call().then(
    () => assert.fail(`expected ${reason}`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DomainError, String(e));
  assert.deepEqual([e.kind, e.reason], [kind, reason], e.message);
}

describe("CancelFlightBooking", () => {
  before(async () => {
    [ada, bob, operator] = [await insertUser(ctx.handle.db), await insertUser(ctx.handle.db), await insertUser(ctx.handle.db, "operator")];
  });

  it("returns the seats and reopens a sold-out flight whose offer is open; cancelling twice returns the cancelled booking", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 2, aisle: 0, middle: 0 } }));
    const mine = await book(ada, flight.id, 1);
    await book(bob, flight.id, 1);
    assert.equal((await ctx.uc.getFlight(flight.id)).closeReason, "sold_out");

    const cancelled = await ctx.uc.cancelFlightBooking(ada, mine.id);
    assert.deepEqual([cancelled.status, cancelled.cancelReason], ["cancelled", "customer_request"]);
    const reopened = await ctx.uc.getFlight(flight.id);
    assert.deepEqual([reopened.status, reopened.closeReason, reopened.available.window, reopened.version], ["open", undefined, 1, 4]);
    assert.deepEqual((await flightEventTypes(ctx.handle.db, flight.id)).slice(-3), ["FlightBookingCancelled", "FlightAvailabilityChanged", "FlightReopened"]);

    assert.deepEqual(await ctx.uc.cancelFlightBooking(ada, mine.id), cancelled);
    assert.equal((await ctx.uc.getFlight(flight.id)).version, 4, "the second cancel changed nothing");
    assert.equal((await book(bob, flight.id, 1)).status, "confirmed", "the seat sells again");
  });

  it("keeps a flight closed when its offer closed for another reason, though the seats come back", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const mine = await book(ada, flight.id, 2);
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "on_time" });
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "boarding" });
    await ctx.uc.cancelFlightBooking(ada, mine.id);
    const after = await ctx.uc.getFlight(flight.id);
    assert.deepEqual([after.status, after.closeReason, after.available.window], ["closed", "departed", 10]);
  });

  it("refuses once the flight departed (FLIGHT_DEPARTED) and leaves the booking confirmed", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const mine = await book(ada, flight.id);
    for (const operationalStatus of ["on_time", "boarding", "departed"] as const) await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus });
    await fails(() => ctx.uc.cancelFlightBooking(ada, mine.id), "precondition", "FLIGHT_DEPARTED");
    assert.equal((await ctx.uc.getFlightBooking(ada, mine.id)).status, "confirmed");
  });

  it("hides another user's booking (NOT_FOUND) and lets an operator see and cancel it (reason OPERATOR)", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const mine = await book(ada, flight.id);
    await fails(() => ctx.uc.getFlightBooking(bob, mine.id), "not_found", "FLIGHT_BOOKING_NOT_FOUND");
    await fails(() => ctx.uc.cancelFlightBooking(bob, mine.id), "not_found", "FLIGHT_BOOKING_NOT_FOUND");
    assert.equal((await ctx.uc.getFlightBooking(operator, mine.id)).id, mine.id);
    assert.equal((await ctx.uc.cancelFlightBooking(operator, mine.id)).cancelReason, "operator");
  });

  it("returns every seat exactly once when cancels and bookings race", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 6, aisle: 0, middle: 0 } }));
    const booked = await Promise.all([1, 2, 3].map(() => book(ada, flight.id, 2)));
    // Sold out: each of Bob's bookings succeeds or not depending on how many of the cancels
    // committed before it, so the order decides how many he gets, never the seat count.
    const [cancels, bobs] = await Promise.all([
      Promise.all(booked.flatMap((b) => [ctx.uc.cancelFlightBooking(ada, b.id), ctx.uc.cancelFlightBooking(operator, b.id)])),
      Promise.all(
        [1, 2, 3].map(() =>
          book(bob, flight.id, 1).then(
            () => "confirmed",
            (e: unknown) => (e instanceof DomainError ? e.reason : String(e)),
          ),
        ),
      ),
    ]);
    assert.ok(
      cancels.every((c) => c.status === "cancelled"),
      "both cancels of each booking answer it cancelled",
    );
    for (const outcome of bobs) assert.ok(["confirmed", "FLIGHT_CLOSED", "INSUFFICIENT_SEATS"].includes(outcome), outcome);
    const ledger = await seatLedger(ctx.handle.db, flight.id);
    assert.equal(ledger.sold, bobs.filter((o) => o === "confirmed").length, "only Bob's confirmed seats are sold: Ada's six all came back");
    assert.equal(ledger.available, 6 - ledger.sold, "available = capacity - confirmed seats: each seat returned exactly once");
    if (ledger.available > 0) await book(bob, flight.id, ledger.available);
    const after = await seatLedger(ctx.handle.db, flight.id);
    assert.deepEqual([after.sold, after.available, after.close_reason], [6, 0, "sold_out"], "the six seats sell again, and no more");
  });
});

describe("CancelFlight", () => {
  before(async () => {
    ada ??= await insertUser(ctx.handle.db);
  });

  it("cancels the flight and every confirmed booking (reason FLIGHT_CANCELLED), one event each, in a constant number of statements", async () => {
    const counter = createStatementCounter();
    const counted = createFlightUseCases({ db: ctx.handle.db.withPlugin(counter.plugin), settings: flightSettings() });
    const statements: number[] = [];
    for (const bookings of [1, 25]) {
      const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 30, aisle: 0, middle: 0 } }));
      const made = await Promise.all(Array.from({ length: bookings }, () => book(ada, flight.id)));
      await ctx.uc.cancelFlightBooking(ada, made[0].id); // already cancelled: stays as it is
      const { value, statements: n } = await counter.count(() => counted.cancelFlight(flight.id));
      statements.push(n);
      assert.deepEqual([value.flight.status, value.bookingsCancelled], ["cancelled", bookings - 1]);
      const rows = await ctx.handle.db.selectFrom("flight_bookings").select(["status", "cancel_reason"]).where("flight_id", "=", flight.id).execute();
      assert.ok(rows.every((r) => r.status === "cancelled"));
      assert.equal(rows.filter((r) => r.cancel_reason === "flight_cancelled").length, bookings - 1);
      const events = await flightEventTypes(ctx.handle.db, flight.id);
      assert.deepEqual(events.slice(-bookings), [...Array(bookings - 1).fill("FlightBookingCancelled"), "FlightCancelled"]);
      assert.deepEqual(await ctx.uc.cancelFlight(flight.id), { flight: value.flight, bookingsCancelled: 0 }, "cancelling twice changes nothing");
    }
    assert.equal(statements[0], statements[1], `statements for 0 and 24 bookings: ${statements}`);
  });

  it("refuses to cancel a flight that departed", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    for (const operationalStatus of ["on_time", "boarding", "departed"] as const) await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus });
    await fails(() => ctx.uc.cancelFlight(flight.id), "precondition", "FLIGHT_DEPARTED");
  });
});

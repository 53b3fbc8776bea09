import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../errors.js";
import { cancelBooking, cancelReasonFor, mayAccess } from "./cancellation.js";
import { type Flight, scheduleFlight } from "./flight.js";
import { type FlightBooking, type SeatSelection, seatClassesNotOffered, seatRequest } from "./flight-booking.js";
import { NOW, testPlan } from "./testdata/plan.js";

/** The violation rules a seat request is refused for (empty when it passes). */
function refused(selections: SeatSelection[], max = 9): string[] {
  try {
    seatRequest(selections, max);
    return [];
  } catch (e) {
    assert.ok(e instanceof DomainError && e.kind === "invalid", String(e));
    assert.ok(
      e.violations.every((v) => v.field === "seats"),
      "every problem names the seats field",
    );
    return e.violations.map((v) => v.rule);
  }
}

describe("seatRequest", () => {
  it("adds up seats per class", () => {
    assert.deepEqual(
      seatRequest(
        [
          { seatClass: "window", count: 2 },
          { seatClass: "middle", count: 1 },
        ],
        9,
      ),
      { window: 2, aisle: 0, middle: 1 },
    );
  });

  it("refuses negative, zero and fractional counts, unknown and repeated classes, no seats, and more than the maximum", () => {
    assert.deepEqual(refused([{ seatClass: "window", count: -2 }]), ["seats.count_positive"]);
    assert.deepEqual(refused([{ seatClass: "aisle", count: 0 }]), ["seats.count_positive"]);
    assert.deepEqual(refused([{ seatClass: "aisle", count: 1.5 }]), ["seats.count_positive"]);
    assert.deepEqual(refused([{ seatClass: "business", count: 1 }]), ["seats.class_known"]);
    assert.deepEqual(
      refused([
        { seatClass: "window", count: 1 },
        { seatClass: "window", count: 1 },
      ]),
      ["seats.unique_classes"],
    );
    assert.deepEqual(refused([]), ["seats.min_items"]);
    assert.deepEqual(
      refused([
        { seatClass: "window", count: 5 },
        { seatClass: "aisle", count: 5 },
      ]),
      ["seats.max_per_booking"],
    );
    assert.deepEqual(refused([{ seatClass: "window", count: 3 }], 3), []);
  });

  it("names the classes a flight has no seats of", () => {
    assert.deepEqual(seatClassesNotOffered({ window: 1, aisle: 2, middle: 0 }, { window: 0, aisle: 0, middle: 5 }), ["window", "aisle"]);
  });
});

const flight: Flight = scheduleFlight(testPlan({ capacity: { window: 2, aisle: 1, middle: 0 }, offerDurationMs: 2 * 86_400_000 }), "f1", NOW);
const booking: FlightBooking = {
  id: "b1",
  flightId: "f1",
  userId: "u1",
  userName: "ada",
  seats: { window: 2, aisle: 1, middle: 0 },
  totalPrice: { currency: "EUR", amountMinor: 300 },
  status: "confirmed",
  cancelReason: undefined,
  cancelledAt: undefined,
  requestId: undefined,
  createdAt: NOW,
};
const soldOut: Flight = { ...flight, available: { window: 0, aisle: 0, middle: 0 }, status: "closed", closeReason: "sold_out", version: 2 };

describe("cancelBooking", () => {
  it("returns the seats and reopens a sold-out flight whose offer is open", () => {
    const c = cancelBooking(booking, soldOut, "customer_request", new Date("2049-03-02T12:00:00Z"));
    assert.deepEqual([c.reopened, c.flight.status, c.flight.closeReason, c.flight.available, c.flight.version], [true, "open", undefined, flight.capacity, 3]);
    assert.deepEqual([c.booking.status, c.booking.cancelReason], ["cancelled", "customer_request"]);
  });

  it("returns the seats but keeps a flight closed once its offer ended, or when it closed for another reason", () => {
    const late = cancelBooking(booking, soldOut, "customer_request", flight.offerExpiresAt);
    assert.deepEqual([late.reopened, late.flight.status, late.flight.available], [false, "closed", flight.capacity]);
    const boarding = cancelBooking(booking, { ...soldOut, closeReason: "departed", operationalStatus: "boarding" }, "operator", NOW);
    assert.deepEqual([boarding.reopened, boarding.flight.closeReason], [false, "departed"]);
  });

  it("changes nothing once the flight departed", () => {
    for (const operationalStatus of ["departed", "arrived"] as const) {
      assert.throws(
        () => cancelBooking(booking, { ...flight, operationalStatus }, "customer_request", NOW),
        (e: unknown) => e instanceof DomainError && e.kind === "precondition" && e.reason === "FLIGHT_DEPARTED",
      );
    }
  });

  it("lets the owner and operators in, and says who cancelled", () => {
    const owner = { userId: "u1", username: "ada", role: "user" } as const;
    const stranger = { userId: "u2", username: "bob", role: "user" } as const;
    const operator = { userId: "u3", username: "boss", role: "operator" } as const;
    assert.deepEqual([mayAccess(owner, booking), mayAccess(stranger, booking), mayAccess(operator, booking)], [true, false, true]);
    assert.deepEqual([cancelReasonFor(owner, booking), cancelReasonFor(operator, booking)], ["customer_request", "operator"]);
  });
});

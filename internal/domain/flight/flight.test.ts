import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../errors.js";
import { type FlightPlan, scheduleFlight } from "./flight.js";
import { NOW, testPlan } from "./testdata/plan.js";

const plan = testPlan();

/** The fields a plan is refused for (empty when it passes). */
function refused(overrides: Partial<FlightPlan>): string[] {
  try {
    scheduleFlight({ ...plan, ...overrides }, "f1", NOW);
    return [];
  } catch (e) {
    assert.ok(e instanceof DomainError && e.kind === "invalid", String(e));
    return e.violations.map((v) => v.field);
  }
}

describe("scheduleFlight", () => {
  it("opens the flight with every seat available, version 1, and the local departure date of the origin", () => {
    const f = scheduleFlight(plan, "f1", NOW);
    assert.deepEqual(
      [f.status, f.closeReason, f.operationalStatus, f.version, f.available, f.departureDate],
      ["open", undefined, "scheduled", 1, plan.capacity, "2049-03-10"],
    );
  });

  it("ends the offer at creation + duration, or at departure when that comes first", () => {
    assert.equal(scheduleFlight(plan, "f1", NOW).offerExpiresAt.toISOString(), "2049-03-04T12:00:00.000Z");
    assert.equal(scheduleFlight({ ...plan, offerDurationMs: 365 * 86_400_000 }, "f1", NOW).offerExpiresAt.toISOString(), plan.departureTime.toISOString());
  });

  for (const [what, overrides, fields] of [
    ["a malformed flight code", { code: "AR-12" }, ["flight_code"]],
    ["an empty airline", { airline: "  " }, ["airline"]],
    ["airports that are not IATA codes", { origin: "eze", destination: "MADR" }, ["origin", "destination"]],
    ["the same origin and destination", { destination: "EZE" }, ["destination"]],
    ["an unknown time zone", { originTimeZone: "Mars/Olympus_Mons" }, ["origin_time_zone"]],
    ["a departure in the past", { departureTime: new Date("2049-02-28T00:00:00Z") }, ["departure_time"]],
    ["an arrival before departure", { arrivalTime: plan.departureTime }, ["arrival_time"]],
    ["no seat at all", { capacity: { window: 0, aisle: 0, middle: 0 } }, ["seats"]],
    ["a negative capacity", { capacity: { window: -1, aisle: 5, middle: 0 } }, ["seats"]],
    ["a negative price", { price: { currency: "EUR", amountMinor: -1 } }, ["price"]],
    ["a currency that is not ISO 4217", { price: { currency: "euro", amountMinor: 1 } }, ["price"]],
    ["a zero offer duration", { offerDurationMs: 0 }, ["offer_duration"]],
    ["an offer longer than a year", { offerDurationMs: 366 * 86_400_000 }, ["offer_duration"]],
  ] as const) {
    it(`refuses ${what}, naming the field`, () => {
      assert.deepEqual(refused(overrides as Partial<FlightPlan>), fields);
    });
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../errors.js";
import { type Flight, type OperationalStatus, scheduleFlight } from "./flight.js";
import { changeOperationalStatus } from "./operational-status.js";
import { NOW, testPlan } from "./testdata/plan.js";

const base = scheduleFlight(testPlan({ capacity: { window: 1, aisle: 1, middle: 1 } }), "f1", NOW);
const at = (status: OperationalStatus, extra: Partial<Flight> = {}): Flight => ({ ...base, operationalStatus: status, ...extra });
const STATUSES: OperationalStatus[] = ["scheduled", "on_time", "delayed", "boarding", "departed", "arrived"];
const LEGAL = new Set([
  "scheduled>on_time",
  "scheduled>delayed",
  "on_time>delayed",
  "on_time>boarding",
  "delayed>on_time",
  "delayed>boarding",
  "boarding>departed",
  "departed>arrived",
]);

describe("changeOperationalStatus", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const legal = LEGAL.has(`${from}>${to}`);
      it(`${legal ? "allows" : "refuses"} ${from.toUpperCase()} -> ${to.toUpperCase()}`, () => {
        if (legal) {
          const change = changeOperationalStatus(at(from), to, undefined, NOW);
          assert.deepEqual([change.previous, change.flight.operationalStatus, change.flight.version], [from, to, base.version + 1]);
        } else {
          assert.throws(
            () => changeOperationalStatus(at(from), to, undefined, NOW),
            (e: unknown) => e instanceof DomainError && e.kind === "precondition" && e.reason === "ILLEGAL_STATUS_TRANSITION",
          );
        }
      });
    }
  }

  it("takes an estimated departure with DELAYED only, and DELAYED again with a new estimate", () => {
    const estimate = new Date("2049-03-10T12:00:00Z");
    const delayed = changeOperationalStatus(at("on_time"), "delayed", estimate, NOW).flight;
    assert.equal(delayed.estimatedDepartureTime?.toISOString(), estimate.toISOString());
    const later = new Date("2049-03-10T13:00:00Z");
    assert.equal(changeOperationalStatus(delayed, "delayed", later, NOW).flight.estimatedDepartureTime?.toISOString(), later.toISOString());
    assert.equal(changeOperationalStatus(delayed, "on_time", undefined, NOW).flight.estimatedDepartureTime, undefined);
    assert.throws(
      () => changeOperationalStatus(at("scheduled"), "on_time", estimate, NOW),
      (e: unknown) => e instanceof DomainError && e.kind === "invalid" && e.violations[0].field === "estimated_departure_time",
    );
  });

  it("closes an open offer at BOARDING (reason departed), and leaves a sold-out one as it was", () => {
    const boarding = changeOperationalStatus(at("on_time"), "boarding", undefined, NOW);
    assert.deepEqual([boarding.closedOffer, boarding.flight.status, boarding.flight.closeReason], [true, "closed", "departed"]);
    const soldOut = changeOperationalStatus(at("on_time", { status: "closed", closeReason: "sold_out" }), "boarding", undefined, NOW);
    assert.deepEqual([soldOut.closedOffer, soldOut.flight.closeReason], [false, "sold_out"]);
  });

  it("refuses any move of a cancelled flight", () => {
    assert.throws(
      () => changeOperationalStatus(at("scheduled", { status: "cancelled" }), "on_time", undefined, NOW),
      (e: unknown) => e instanceof DomainError && e.reason === "FLIGHT_CANCELLED",
    );
  });
});

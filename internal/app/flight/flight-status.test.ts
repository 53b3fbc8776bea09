import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import { flightEventTypes, flightPlan, flightRowCounts } from "../../testkit/flight-fixtures.js";
import { useFlightUseCases } from "./testdata/flight-use-cases.js";

const ctx = useFlightUseCases();

async function fails(call: () => Promise<unknown>, kind: DomainError["kind"], reason: string): Promise<DomainError> {
  const before = await flightRowCounts(ctx.handle.db);
  const e = await call().then(
    () => assert.fail(`expected ${reason}`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DomainError, String(e));
  assert.deepEqual([e.kind, e.reason], [kind, reason], e.message);
  assert.deepEqual(await flightRowCounts(ctx.handle.db), before, "a refused change wrote rows");
  return e;
}

describe("CreateFlight", () => {
  it("stores the flight with its local departure date and offer end, and writes FlightCreated", async () => {
    const departure = new Date(Date.now() + 10 * 86_400_000);
    departure.setUTCHours(1, 30, 0, 0); // 22:30 the day before in Buenos Aires
    const f = await ctx.uc.createFlight(
      flightPlan({ departureTime: departure, arrivalTime: new Date(departure.getTime() + 3_600_000), offerDurationMs: 86_400_000 }),
    );
    const stored = await ctx.uc.getFlight(f.id);
    assert.deepEqual(stored, f);
    assert.equal(f.departureDate, new Date(departure.getTime() - 3 * 3_600_000).toISOString().slice(0, 10));
    assert.ok(Math.abs(f.offerExpiresAt.getTime() - (f.createdAt.getTime() + 86_400_000)) < 1);
    assert.deepEqual(await flightEventTypes(ctx.handle.db, f.id), ["FlightCreated"]);
  });

  it("refuses a flight code already flying that local date (ALREADY_EXISTS), and takes it on another date", async () => {
    const plan = flightPlan();
    await ctx.uc.createFlight(plan);
    await fails(() => ctx.uc.createFlight({ ...plan, origin: "AEP" }), "already_exists", "FLIGHT_CODE_TAKEN");
    const nextDay = new Date(plan.departureTime.getTime() + 86_400_000);
    assert.equal((await ctx.uc.createFlight({ ...plan, departureTime: nextDay, arrivalTime: new Date(nextDay.getTime() + 3_600_000) })).code, plan.code);
  });

  it("refuses a plan that breaks the rules, naming every field, writing nothing", async () => {
    const e = await fails(
      () =>
        ctx.uc.createFlight(
          flightPlan({ destination: "EZE", originTimeZone: "Nowhere/City", capacity: { window: 0, aisle: 0, middle: 0 }, offerDurationMs: 0 }),
        ),
      "invalid",
      "INVALID_FIELDS",
    );
    assert.deepEqual(
      e.violations.map((v) => v.field),
      ["destination", "origin_time_zone", "seats", "offer_duration"],
    );
  });
});

describe("UpdateFlightStatus", () => {
  it("walks the operational states; BOARDING closes the open offer (FlightClosed, departed); every change bumps the version", async () => {
    const f = await ctx.uc.createFlight(flightPlan());
    const estimate = new Date(f.departureTime.getTime() + 3_600_000);
    const delayed = await ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "delayed", estimatedDepartureTime: estimate });
    assert.deepEqual([delayed.operationalStatus, delayed.estimatedDepartureTime, delayed.version], ["delayed", estimate, 2]);
    await ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "on_time" });
    const boarding = await ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "boarding", expectedVersion: 3 });
    assert.deepEqual([boarding.status, boarding.closeReason, boarding.version], ["closed", "departed", 4]);
    await ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "departed" });
    await ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "arrived" });
    assert.deepEqual(await flightEventTypes(ctx.handle.db, f.id), [
      "FlightCreated",
      "FlightStatusChanged",
      "FlightStatusChanged",
      "FlightStatusChanged",
      "FlightClosed",
      "FlightStatusChanged",
      "FlightStatusChanged",
    ]);
    const arrived = await ctx.uc.getFlight(f.id);
    assert.deepEqual([arrived.operationalStatus, arrived.status, arrived.version], ["arrived", "closed", 6]);
  });

  it("refuses an illegal move (FAILED_PRECONDITION), a stale expected_version (ABORTED) and an unknown flight", async () => {
    const f = await ctx.uc.createFlight(flightPlan());
    const illegal = await fails(
      () => ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "departed" }),
      "precondition",
      "ILLEGAL_STATUS_TRANSITION",
    );
    assert.deepEqual(illegal.metadata, { flight_id: f.id, from: "SCHEDULED", to: "DEPARTED" });
    await fails(() => ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "on_time", expectedVersion: 7 }), "conflict", "VERSION_MISMATCH");
    await fails(
      () => ctx.uc.updateFlightStatus({ flightId: "3f2b1c4d-0000-4000-8000-000000000000", operationalStatus: "on_time" }),
      "not_found",
      "FLIGHT_NOT_FOUND",
    );
  });

  it("applies exactly one of two racing updates made against the same version", async () => {
    const f = await ctx.uc.createFlight(flightPlan());
    const results = await Promise.allSettled([
      ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "on_time", expectedVersion: 1 }),
      ctx.uc.updateFlightStatus({ flightId: f.id, operationalStatus: "delayed", expectedVersion: 1 }),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal((await ctx.uc.getFlight(f.id)).version, 2);
  });
});

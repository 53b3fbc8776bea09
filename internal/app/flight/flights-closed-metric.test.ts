import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import { createFlightUseCases, type FlightUseCases } from "../../../cmd/wiring/flight.js";
import type { Principal } from "../../domain/identity/principal.js";
import { useDatabaseHandle } from "../../testkit/database-handle.js";
import { flightPlan, insertUser } from "../../testkit/flight-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import type { CounterMetric } from "../ports.js";
import { flightSettings } from "./testdata/flight-use-cases.js";

// spacet_flights_closed_total as the wiring feeds it: every place a flight closes counts its
// close once, after it committed, and a flight already closed counts nothing more.
const db = useDatabaseHandle();
const counted = new Map<string, number>();
const closed: CounterMetric<"reason"> = { inc: ({ reason }, value = 1) => void counted.set(reason, (counted.get(reason) ?? 0) + value) };
let ucs: FlightUseCases | undefined;
const uc = (): FlightUseCases => (ucs ??= createFlightUseCases({ db: db.handle.db, settings: flightSettings(), closed }));
const counts = () => Object.fromEntries(counted);

const offerEnded = async (offerExpiresAt: Date) =>
  (await sql<{ ended: boolean }>`select clock_timestamp() >= ${offerExpiresAt}::timestamptz as ended`.execute(db.handle.db)).rows[0].ended;
/** Settles every booking, refusals included: the count is what matters here. */
const bookAll = (users: readonly Principal[], flightId: string, window: number) =>
  Promise.allSettled(users.map((u) => uc().bookFlight(u, { flightId, seats: [{ seatClass: "window", count: window }], requestId: undefined })));

describe("spacet_flights_closed_total", () => {
  beforeEach(() => counted.clear());

  it("counts sold_out once for the booking that took the last seat, in a batch of racing bookings", async () => {
    const f = await uc().createFlight(flightPlan({ capacity: { window: 3, aisle: 0, middle: 0 } }));
    const users = await Promise.all(Array.from({ length: 6 }, () => insertUser(db.handle.db)));
    const results = await bookAll(users, f.id, 1);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    assert.deepEqual(counts(), { sold_out: 1 });
    assert.equal((await uc().getFlight(f.id)).closeReason, "sold_out");
  });

  it("counts offer_expired once when the coordinator finds the offer ended, first in its batch or later", async () => {
    const f = await uc().createFlight(flightPlan({ offerDurationMs: 300 }));
    const users = await Promise.all(Array.from({ length: 4 }, () => insertUser(db.handle.db)));
    await waitUntil("the offer ended by the database clock", () => offerEnded(f.offerExpiresAt));
    const results = await bookAll(users, f.id, 1);
    assert.ok(results.every((r) => r.status === "rejected"));
    await bookAll(users.slice(0, 1), f.id, 1);
    assert.equal(await uc().closeExpiredFlights(), 0, "the coordinator closed it already");
    assert.deepEqual(counts(), { offer_expired: 1 });
  });

  it("counts the expiry job's closes, and nothing for a booking refused by a flight the job closed", async () => {
    const flights = await Promise.all([1, 2].map(() => uc().createFlight(flightPlan({ offerDurationMs: 300 }))));
    await waitUntil("the offers ended by the database clock", () => offerEnded(flights[1].offerExpiresAt));
    await waitUntil("the offers ended by the database clock", () => offerEnded(flights[0].offerExpiresAt));
    assert.equal(await uc().closeExpiredFlights(), 2);
    await bookAll([await insertUser(db.handle.db)], flights[0].id, 1);
    assert.deepEqual(counts(), { offer_expired: 2 });
  });

  it("counts departed when BOARDING closes an open offer, and not again at DEPARTED", async () => {
    const f = await uc().createFlight(flightPlan());
    await uc().updateFlightStatus({ flightId: f.id, operationalStatus: "on_time" });
    await uc().updateFlightStatus({ flightId: f.id, operationalStatus: "boarding" });
    await uc().updateFlightStatus({ flightId: f.id, operationalStatus: "departed" });
    const soldOut = await uc().createFlight(flightPlan({ capacity: { window: 1, aisle: 0, middle: 0 } }));
    await bookAll([await insertUser(db.handle.db)], soldOut.id, 1);
    await uc().updateFlightStatus({ flightId: soldOut.id, operationalStatus: "on_time" });
    await uc().updateFlightStatus({ flightId: soldOut.id, operationalStatus: "boarding" });
    assert.deepEqual(counts(), { departed: 1, sold_out: 1 });
  });

  it("counts nothing for refusals and cancellations of open flights", async () => {
    const f = await uc().createFlight(flightPlan({ capacity: { window: 2, aisle: 0, middle: 0 } }));
    const user = await insertUser(db.handle.db);
    await bookAll([user], f.id, 3);
    const booking = await uc().bookFlight(user, { flightId: f.id, seats: [{ seatClass: "window", count: 1 }], requestId: undefined });
    await uc().cancelFlightBooking(user, booking.id);
    await uc().cancelFlight(f.id);
    assert.deepEqual(counts(), {});
  });
});

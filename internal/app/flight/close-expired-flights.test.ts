import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { flightPlan, seatLedger } from "../../testkit/flight-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { useFlightUseCases } from "./testdata/flight-use-cases.js";

const ctx = useFlightUseCases();

const offerEnded = async (offerExpiresAt: Date) =>
  (await sql<{ ended: boolean }>`select clock_timestamp() >= ${offerExpiresAt}::timestamptz as ended`.execute(ctx.handle.db)).rows[0].ended;

describe("the offer expiry job", () => {
  it("closes open flights whose offer ended (OFFER_EXPIRED, one FlightClosed each) and leaves the others alone", async () => {
    const expiring = await Promise.all([1, 2, 3].map(() => ctx.uc.createFlight(flightPlan({ offerDurationMs: 300 }))));
    const lasting = await ctx.uc.createFlight(flightPlan());
    const soldOut = await ctx.uc.createFlight(flightPlan({ offerDurationMs: 300 }));
    await ctx.handle.db.updateTable("flights").set({ status: "closed", close_reason: "sold_out" }).where("id", "=", soldOut.id).execute();
    await waitUntil("the short offers ended by the database clock", () => offerEnded(expiring[0].offerExpiresAt));
    await waitUntil("the short offers ended by the database clock", () => offerEnded(soldOut.offerExpiresAt));

    // Three replicas' ticks at once: each flight is closed (and announced) by exactly one.
    const counts = await Promise.all([ctx.uc.closeExpiredFlights(), ctx.with({}).closeExpiredFlights(), ctx.with({}).closeExpiredFlights()]);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      3,
    );
    for (const f of expiring) {
      const after = await ctx.uc.getFlight(f.id);
      assert.deepEqual([after.status, after.closeReason, after.version], ["closed", "offer_expired", 2]);
      assert.equal((await seatLedger(ctx.handle.db, f.id)).closed_events, 1);
    }
    assert.equal((await ctx.uc.getFlight(lasting.id)).status, "open");
    assert.equal((await ctx.uc.getFlight(soldOut.id)).closeReason, "sold_out", "a closed flight stays as it is");
    assert.equal(await ctx.uc.closeExpiredFlights(), 0);
  });

  it("skips a flight whose row a booking holds, and closes it at the next tick", async () => {
    const f = await ctx.uc.createFlight(flightPlan({ offerDurationMs: 200 }));
    await waitUntil("the offer ended by the database clock", () => offerEnded(f.offerExpiresAt));
    const holder = await ctx.handle.pool.connect();
    try {
      await holder.query("begin");
      await holder.query("select 1 from flights where id = $1 for no key update", [f.id]);
      assert.equal(await ctx.uc.closeExpiredFlights(), 0, "SKIP LOCKED: no wait behind the holder");
    } finally {
      await holder.query("rollback");
      holder.release();
    }
    assert.equal(await ctx.uc.closeExpiredFlights(), 1);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { DomainError } from "../../domain/errors.js";
import { AdvisoryLock } from "../../infra/postgres/locks.js";
import { addSpacexLaunch, bookingRequest, PADS, rowCounts } from "../../testkit/launch-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { useBookingUseCases } from "./testdata/booking-use-cases.js";

const NOW = new Date("2049-03-01T12:00:00Z");
const CAPACITY = 50;

// Enough connections that many transactions really overlap in the database.
const ctx = useBookingUseCases({ launchCapacity: CAPACITY, now: NOW, poolMax: 20 });

/** Runs all calls at once and sorts the outcomes by error reason ("ok" for success). */
async function race<T>(calls: (() => Promise<T>)[]): Promise<{ ok: T[]; reasons: Map<string, number> }> {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  const ok: T[] = [];
  const reasons = new Map<string, number>();
  for (const s of settled) {
    if (s.status === "fulfilled") ok.push(s.value);
    else {
      assert.ok(s.reason instanceof DomainError, `unexpected error: ${String(s.reason)}`);
      reasons.set(s.reason.reason, (reasons.get(s.reason.reason) ?? 0) + 1);
    }
  }
  return { ok, reasons };
}

describe("concurrent bookings", () => {
  it("200 racing bookings for one pad and day fill exactly 50 seats on one launch", async () => {
    const { ok, reasons } = await race(
      Array.from(
        { length: 200 },
        (_, i) => () => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-07-01", firstName: `P${String.fromCharCode(97 + (i % 26))}` })),
      ),
    );
    assert.equal(ok.length, CAPACITY);
    assert.deepEqual([...reasons], [["LAUNCH_FULL", 150]]);
    assert.equal(new Set(ok.map((b) => b.launchId)).size, 1);
    const launches = await ctx.handle.db
      .selectFrom("launches")
      .selectAll()
      .where("launchpad_id", "=", PADS.cape)
      .where("launch_date", "=", "2049-07-01")
      .execute();
    assert.equal(launches.length, 1);
    assert.equal(launches[0].booked_seats, CAPACITY);
    const bookings = await ctx.handle.db.selectFrom("bookings").select("id").where("launch_id", "=", launches[0].id).execute();
    assert.equal(bookings.length, CAPACITY);
  });

  it("two destinations racing for one pad and day get exactly one launch", async () => {
    const { ok, reasons } = await race(
      Array.from(
        { length: 40 },
        (_, i) => () => ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-07-02", destination: i % 2 ? "moon" : "titan" })),
      ),
    );
    const launches = await ctx.handle.db
      .selectFrom("launches")
      .selectAll()
      .where("launchpad_id", "=", PADS.kennedy)
      .where("launch_date", "=", "2049-07-02")
      .execute();
    assert.equal(launches.length, 1);
    assert.ok(ok.every((b) => b.destination === launches[0].destination));
    assert.equal(ok.length, 20, "every booking for the winning destination fits");
    assert.deepEqual([...reasons], [["LAUNCH_DAY_TAKEN", 20]]);
  });

  it("one destination racing for two days of one week on one pad gets exactly one launch", async () => {
    const { ok, reasons } = await race(
      Array.from(
        { length: 20 },
        (_, i) => () =>
          ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.vandenberg, launchDate: i % 2 ? "2049-07-06" : "2049-07-07", destination: "europa" })),
      ),
    );
    assert.equal(new Set(ok.map((b) => b.launchId)).size, 1);
    assert.equal(ok.length, 10);
    assert.deepEqual([...reasons], [["DESTINATION_USED_THIS_WEEK", 10]]);
  });

  it("first bookings racing for one pad, day and destination all join one launch", async () => {
    // Both unique indexes (pad+day and pad+week+destination) see these inserts collide; only the
    // first is ON CONFLICT's arbiter, so without the pad-week lock some of them lost the race
    // on the other index and were wrongly refused. Many rounds make the interleaving likely.
    for (let day = 1; day <= 24; day++) {
      const launchDate = `2049-08-${String(day).padStart(2, "0")}`;
      const destination = (["mars", "moon", "pluto", "asteroid_belt", "europa", "titan", "ganymede"] as const)[day % 7];
      const { ok, reasons } = await race(
        Array.from({ length: 8 }, () => () => ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate, destination }))),
      );
      assert.deepEqual([...reasons], [], `day ${launchDate}`);
      assert.equal(new Set(ok.map((b) => b.launchId)).size, 1);
    }
  });

  it("bookings racing cancels of the launch's only passenger never oversell or strand a seat", async () => {
    const first = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-07-20", destination: "moon" }));
    const { ok } = await race<unknown>([
      () => ctx.uc.cancelBooking(first.id),
      ...Array.from({ length: 10 }, () => () => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-07-20", destination: "moon" }))),
    ]);
    const launches = await ctx.handle.db
      .selectFrom("launches")
      .selectAll()
      .where("launchpad_id", "=", PADS.cape)
      .where("launch_date", "=", "2049-07-20")
      .execute();
    const scheduled = launches.filter((l) => l.status === "scheduled");
    assert.ok(scheduled.length <= 1);
    const confirmed = await ctx.handle.db
      .selectFrom("bookings")
      .select(["launch_id"])
      .where("launch_date", "=", "2049-07-20")
      .where("status", "=", "confirmed")
      .execute();
    for (const l of launches) assert.equal(l.booked_seats, confirmed.filter((b) => b.launch_id === l.id).length, "seat count matches bookings");
    assert.equal(ok.length, 11);
  });

  it("bookings waiting for a sync's schedule lock see the SpaceX launches it committed", async () => {
    // What the SpaceX sync does, held open: take the schedule lock exclusively, block a day.
    const sync = await ctx.handle.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`select pg_advisory_xact_lock(${AdvisoryLock.bookingWrites})`.execute(conn);
      await addSpacexLaunch(conn, { id: "5eb87d42ffd86e000604b384", launchpadId: PADS.cape, dateUtc: "2049-09-14T15:00:00Z", name: "Crew-9" });
      const before = await rowCounts(ctx.handle.db);
      const bookings = Array.from({ length: 8 }, (_, i) =>
        ctx.uc.createBooking(bookingRequest({ launchDate: "2049-09-14", firstName: `W${String.fromCharCode(97 + i)}` })).then(
          () => "booked",
          (e: unknown) => (e instanceof DomainError ? e.reason : String(e)),
        ),
      );
      // Every booking has started and waits for the lock (so its statement began before the commit).
      await waitUntil("8 bookings wait for the schedule lock", async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_locks
           where locktype = 'advisory' and not granted and objid = ${AdvisoryLock.bookingWrites}
             and database = (select oid from pg_database where datname = current_database())`.execute(ctx.handle.db);
        return rows[0].n === 8;
      });
      await sql`commit`.execute(conn);
      return { outcomes: await Promise.all(bookings), before };
    });
    assert.deepEqual(sync.outcomes, Array(8).fill("LAUNCHPAD_TAKEN_BY_SPACEX"));
    assert.deepEqual(await rowCounts(ctx.handle.db), sync.before, "no booking slipped in after the sync");
  });
});

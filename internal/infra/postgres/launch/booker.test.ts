import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { encodeEvent } from "../../../../cmd/wiring/outbox.js";
import type { NewBooking } from "../../../app/launch/ports.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import { advisoryLockWaiters, holdBookingWrites } from "../../../testkit/booking-writes-lock.js";
import { PADS, rowCounts } from "../../../testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../testkit/postgres.js";
import { waitUntil } from "../../../testkit/wait-until.js";
import { type DatabaseHandle, openDatabase } from "../db.js";
import { createBooker } from "./booker.js";

let db: TestDatabase;
let handle: DatabaseHandle;

// One pooled connection: what the booking ran on is what the next statement runs on.
before(async () => {
  db = await createTestDatabase();
  handle = openDatabase({ dsn: db.dsn, poolMax: 1 });
});
after(async () => {
  await handle?.close();
  await db?.drop();
});

const NOW = new Date("2049-03-01T12:00:00Z");
const booker = () => createBooker(handle.db, { ids: randomUUID, encode: encodeEvent });

/** A booking of the cape pad on `launchDate` that every rule accepts. */
function order(launchDate: string): NewBooking {
  return {
    booking: {
      id: randomUUID(),
      launchpadId: PADS.cape,
      destination: "mars",
      launchDate: launchDate as CalendarDate,
      firstName: "Ada",
      lastName: "Lovelace",
      gender: "female",
      birthday: "1990-12-10" as CalendarDate,
      status: "confirmed",
      cancellation: undefined,
      requestId: undefined,
      createdAt: NOW,
    },
    fingerprint: undefined,
    newLaunchId: randomUUID(),
    capacity: 3,
    now: NOW,
  };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );

describe("the Booker over the service's driver", () => {
  it("sends create_booking as the named prepared statement, through a signal-bound view of the pool too", async () => {
    const outcome = await booker().book(order("2049-06-01"), { signal: new AbortController().signal });
    assert.equal(outcome.outcome, "booked");
    // The session it ran on (the pool's only one) holds the statement under its name.
    const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(handle.db);
    assert.deepEqual(
      rows.map((r) => r.name),
      ["create_booking"],
    );
    assert.equal(handle.pool.totalCount, 1, "one pool, one session");
  });

  it("sends nothing once the signal fired: the call rejects with its reason at once, even while every booking would wait for a lock", async () => {
    const before = await rowCounts(handle.db);
    const lock = await holdBookingWrites(db.dsn);
    try {
      const abort = new AbortController();
      const reason = new Error("the caller left");
      abort.abort(reason);
      // A statement sent now would wait for the held lock, and the call would not settle.
      assert.equal(await rejection(booker().book(order("2049-06-08"), { signal: abort.signal })), reason);
      assert.equal(await advisoryLockWaiters(db.dsn), 0, "no statement reached the server");
    } finally {
      await lock.release();
    }
    assert.deepEqual(await rowCounts(handle.db), before, "nothing booked once the lock was free");
  });

  it("cancels create_booking while it waits for the schedule lock: the call rejects with the signal's reason and, in autocommit, nothing commits", async () => {
    const before = await rowCounts(handle.db);
    const lock = await holdBookingWrites(db.dsn);
    try {
      const abort = new AbortController();
      const booking = rejection(booker().book(order("2049-06-15"), { signal: abort.signal }));
      await waitUntil("create_booking waits for the schedule lock", async () => (await advisoryLockWaiters(db.dsn)) === 1);
      const reason = new Error("deadline");
      abort.abort(reason);
      assert.equal(await booking, reason);
      assert.equal(await advisoryLockWaiters(db.dsn), 0, "the statement was cancelled, not left waiting");
    } finally {
      await lock.release();
    }
    assert.deepEqual(await rowCounts(handle.db), before, "nothing booked once the lock was free");
    // The cancelled session was discarded; the pool books on a new one, prepared again.
    assert.equal((await booker().book(order("2049-06-15"))).outcome, "booked");
  });
});

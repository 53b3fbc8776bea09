import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLaunchUseCases } from "../../../cmd/wiring/launch.js";
import { encodeEvent } from "../../../cmd/wiring/outbox.js";
import { DomainError } from "../../domain/errors.js";
import { bookingCreated } from "../../domain/launch/events.js";
import { toLaunch } from "../../infra/postgres/launch/launch-repository.js";
import { addSpacexLaunch, bookingRequest, PADS, rowCounts } from "../../testkit/launch-fixtures.js";
import { useBookingUseCases } from "./testdata/booking-use-cases.js";

/** "Now" for every test: noon UTC on 2049-03-01 (a Monday), 07:00 at the Cape. */
const NOW = new Date("2049-03-01T12:00:00Z");

const ctx = useBookingUseCases({ launchCapacity: 3, now: NOW });

/** Asserts the call fails with this domain reason and writes nothing. */
async function rejects(promise: () => Promise<unknown>, kind: DomainError["kind"], reason: string): Promise<DomainError> {
  const before = await rowCounts(ctx.handle.db);
  let caught: unknown;
  try {
    await promise();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DomainError, `expected DomainError ${reason}, got ${String(caught)}`);
  assert.equal(caught.reason, reason);
  assert.equal(caught.kind, kind);
  assert.deepEqual(await rowCounts(ctx.handle.db), before, "a rejected booking wrote rows");
  return caught;
}

describe("CreateBooking", () => {
  it("books the first passenger of a day: a new launch, a confirmed ticket and a BookingCreated event", async () => {
    const before = await rowCounts(ctx.handle.db);
    const b = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-10", firstName: "  Grace  ", lastName: "Hopper" }));
    assert.equal(b.status, "confirmed");
    assert.equal(b.firstName, "Grace", "names are trimmed");
    assert.equal(b.launchDate, "2049-03-10");
    const launch = await ctx.handle.db.selectFrom("launches").selectAll().where("id", "=", b.launchId).executeTakeFirstOrThrow();
    assert.deepEqual([launch.booked_seats, launch.destination, launch.status], [1, "mars", "scheduled"]);
    const events = await ctx.handle.db.selectFrom("outbox").selectAll().where("aggregate_id", "=", b.launchId).execute();
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, "spacet.events.v1.BookingCreated");
    assert.equal((events[0].payload as { bookingId: string }).bookingId, b.id);
    assert.deepEqual(await rowCounts(ctx.handle.db), { launches: before.launches + 1, bookings: before.bookings + 1, outbox: before.outbox + 1 });
  });

  it("puts every booking for one pad and day on the same launch", async () => {
    const a = await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.vandenberg, launchDate: "2049-03-11" }));
    const b = await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.vandenberg, launchDate: "2049-03-11", firstName: "Bob" }));
    assert.equal(a.launchId, b.launchId);
  });

  it("rejects names, birthdays and launch dates that break rule 1, reporting every field", async () => {
    const e = await rejects(
      () => ctx.uc.createBooking(bookingRequest({ firstName: "   ", lastName: "R2-D2", birthday: "2049-02-30", launchDate: "2049-13-01" })),
      "invalid",
      "INVALID_FIELDS",
    );
    assert.deepEqual(
      e.violations.map((v) => [v.field, v.rule]),
      [
        ["first_name", "name.length"],
        ["last_name", "name.characters"],
        ["birthday", "date.real"],
        ["launch_date", "date.real"],
      ],
    );
    await rejects(() => ctx.uc.createBooking(bookingRequest({ firstName: "A".repeat(51) })), "invalid", "INVALID_FIELDS");
    await rejects(() => ctx.uc.createBooking(bookingRequest({ birthday: "2049-03-01" })), "invalid", "INVALID_FIELDS");
    assert.equal(
      (await ctx.uc.createBooking(bookingRequest({ firstName: "Zoë", lastName: "O'Brien-Smith Jr.", launchDate: "2049-03-12", launchpadId: PADS.kennedy })))
        .lastName,
      "O'Brien-Smith Jr.",
    );
  });

  it("decides 'after today' in the pad's time zone", async () => {
    // 02:00 UTC on 2049-03-02 is still 2049-03-01 at the Cape (UTC-5) but already 03-02 in UTC.
    const early = createLaunchUseCases({ db: ctx.handle.db, launchCapacity: 3, clock: () => new Date("2049-03-02T02:00:00Z") });
    const b = await early.createBooking(bookingRequest({ launchDate: "2049-03-02", destination: "moon" }));
    assert.equal(b.launchDate, "2049-03-02");
    const e = await rejects(() => early.createBooking(bookingRequest({ launchDate: "2049-03-01" })), "invalid", "INVALID_FIELDS");
    assert.match(e.message, /after 2049-03-01, today at the launchpad \(America\/New_York\)/);
  });

  it("rejects unknown, retired and unfinished launchpads", async () => {
    await rejects(() => ctx.uc.createBooking(bookingRequest({ launchpadId: "000000000000000000000000" })), "not_found", "LAUNCHPAD_NOT_FOUND");
    await rejects(() => ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.retired })), "precondition", "LAUNCHPAD_NOT_ACTIVE");
    await rejects(() => ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.underConstruction })), "precondition", "LAUNCHPAD_NOT_ACTIVE");
  });

  it("keeps SpaceX's pad-local day closed: 01:05 UTC blocks the previous day at the Cape", async () => {
    await addSpacexLaunch(ctx.handle.db, { id: "63161329ffc78f3b8567070b", launchpadId: PADS.cape, dateUtc: "2049-04-17T01:05:00Z", name: "Starlink 4-34" });
    const e = await rejects(() => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-16" })), "precondition", "LAUNCHPAD_TAKEN_BY_SPACEX");
    assert.equal(e.metadata.spacex_launch_id, "63161329ffc78f3b8567070b");
    const next = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-17" }));
    assert.equal(next.status, "confirmed", "the UTC date itself is free at the Cape");
    const otherPad = await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-04-16" }));
    assert.equal(otherPad.status, "confirmed", "other pads are not blocked");
  });

  it("lets month-precision SpaceX launches block nothing", async () => {
    await addSpacexLaunch(ctx.handle.db, { id: "6243ae58af52800c6e91925a", launchpadId: PADS.cape, dateUtc: "2049-05-01T00:00:00Z", precision: "month" });
    const b = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-30" }));
    assert.equal(b.status, "confirmed");
  });

  it("rejects another destination on a pad and day that already fly somewhere", async () => {
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-05-10", destination: "titan" }));
    const e = await rejects(
      () => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-05-10", destination: "europa" })),
      "already_exists",
      "LAUNCH_DAY_TAKEN",
    );
    assert.equal(e.metadata.destination, "titan");
  });

  it("rotates destinations: one launch per destination, pad and ISO week", async () => {
    // 2049-05-17 is a Monday; 05-23 the Sunday of the same week; 05-24 the next Monday.
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-05-17", destination: "pluto" }));
    await rejects(
      () => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-05-23", destination: "pluto" })),
      "already_exists",
      "DESTINATION_USED_THIS_WEEK",
    );
    assert.equal((await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-05-24", destination: "pluto" }))).status, "confirmed");
    assert.equal(
      (await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-05-18", destination: "pluto" }))).status,
      "confirmed",
    );
  });

  it("refuses a passenger beyond the launch's capacity", async () => {
    for (const name of ["One", "Two", "Three"]) await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-01", firstName: name }));
    await rejects(() => ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-01", firstName: "Four" })), "precondition", "LAUNCH_FULL");
  });

  it("returns the original booking when a request is retried with the same request_id", async () => {
    const req = bookingRequest({ launchDate: "2049-06-08", requestId: "6f1c8c5e-5a4b-4f7e-9d59-2f1f6a0e8b11" });
    const first = await ctx.uc.createBooking(req);
    const before = await rowCounts(ctx.handle.db);
    const retry = await ctx.uc.createBooking(req);
    assert.deepEqual(retry, first);
    assert.deepEqual(await rowCounts(ctx.handle.db), before);
    await rejects(() => ctx.uc.createBooking({ ...req, firstName: "Mallory" }), "invalid", "REQUEST_ID_REUSED");
  });

  it("answers concurrent retries of one request_id with one booking", async () => {
    const req = bookingRequest({ launchDate: "2049-06-15", requestId: "0b0e7b8a-3c1d-4a57-8d3e-6f0f1b2c3d4e" });
    const results = await Promise.all(Array.from({ length: 8 }, () => ctx.uc.createBooking(req)));
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    const rows = await ctx.handle.db
      .selectFrom("bookings")
      .select("id")
      .where("request_id", "=", req.requestId ?? "")
      .execute();
    assert.equal(rows.length, 1);
    const launch = await ctx.handle.db.selectFrom("launches").selectAll().where("id", "=", results[0].launchId).executeTakeFirstOrThrow();
    assert.equal(launch.booked_seats, 1, "losing retries took no seat");
  });

  it("writes BookingCreated exactly as the outbox encodes it, with the launch's seats after this booking", async () => {
    const first = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-22", destination: "europa" }));
    const second = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-22", destination: "europa", firstName: "Bob" }));
    const launch = toLaunch(await ctx.handle.db.selectFrom("launches").selectAll().where("id", "=", second.launchId).executeTakeFirstOrThrow());
    const rows = await ctx.handle.db.selectFrom("outbox").selectAll().where("aggregate_id", "=", launch.id).orderBy("seq").execute();
    assert.equal(rows.length, 2);
    for (const [i, booking] of [first, second].entries()) {
      const expected = encodeEvent(bookingCreated(booking, { ...launch, bookedSeats: i + 1 }));
      assert.deepEqual(
        { aggregateType: rows[i].aggregate_type, aggregateId: rows[i].aggregate_id, eventType: rows[i].event_type, payload: rows[i].payload },
        expected,
      );
    }
  });
});

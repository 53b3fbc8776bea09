import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import { bookingRequest, PADS, rowCounts } from "../../testkit/launch-fixtures.js";
import { useBookingUseCases } from "./testdata/booking-use-cases.js";

const NOW = new Date("2049-03-01T12:00:00Z");

const ctx = useBookingUseCases({ launchCapacity: 2, now: NOW });

const eventsOf = (launchId: string) =>
  ctx.handle.db.selectFrom("outbox").select(["event_type", "payload"]).where("aggregate_id", "=", launchId).orderBy("seq").execute();
const launch = (id: string) => ctx.handle.db.selectFrom("launches").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("CancelBooking", () => {
  it("cancels by ticket id, frees the seat and records BookingCancelled", async () => {
    const a = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-10" }));
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-10", firstName: "Bea" }));
    const cancelled = await ctx.uc.cancelBooking(a.id);
    assert.equal(cancelled.status, "cancelled");
    assert.deepEqual(cancelled.cancellation, { reason: "customer_request", spacexLaunchId: undefined, cancelledAt: NOW });
    assert.equal((await launch(a.launchId)).booked_seats, 1);
    assert.deepEqual((await ctx.uc.getBooking(a.id)).status, "cancelled");
    const types = (await eventsOf(a.launchId)).map((e) => e.event_type);
    assert.deepEqual(types, ["spacet.events.v1.BookingCreated", "spacet.events.v1.BookingCreated", "spacet.events.v1.BookingCancelled"]);
  });

  it("is a no-op the second time and returns the cancelled booking", async () => {
    const a = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-17", launchpadId: PADS.kennedy }));
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-17", launchpadId: PADS.kennedy, firstName: "Cy" }));
    const first = await ctx.uc.cancelBooking(a.id);
    const before = await rowCounts(ctx.handle.db);
    const second = await ctx.uc.cancelBooking(a.id);
    assert.deepEqual(second, first);
    assert.deepEqual(await rowCounts(ctx.handle.db), before, "no second event");
    assert.equal((await launch(a.launchId)).booked_seats, 1, "the seat is freed once");
  });

  it("frees a seat once even when cancels of one ticket race", async () => {
    const a = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-24", launchpadId: PADS.vandenberg }));
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-03-24", launchpadId: PADS.vandenberg, firstName: "Di" }));
    const results = await Promise.all(Array.from({ length: 10 }, () => ctx.uc.cancelBooking(a.id)));
    assert.ok(results.every((r) => r.status === "cancelled"));
    assert.equal((await launch(a.launchId)).booked_seats, 1);
    assert.equal((await eventsOf(a.launchId)).filter((e) => e.event_type.endsWith("BookingCancelled")).length, 1);
  });

  it("cancels the launch with its last booking, freeing the pad, day and destination", async () => {
    const a = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-05", destination: "europa" }));
    await ctx.uc.cancelBooking(a.id);
    const l = await launch(a.launchId);
    assert.deepEqual([l.status, l.cancel_reason, l.booked_seats], ["cancelled", "no_passengers", 0]);
    const types = (await eventsOf(a.launchId)).map((e) => e.event_type);
    assert.deepEqual(types.slice(-2), ["spacet.events.v1.BookingCancelled", "spacet.events.v1.LaunchCancelled"]);

    // The freed day takes another destination, and the freed destination flies again that week.
    const other = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-05", destination: "ganymede" }));
    assert.notEqual(other.launchId, a.launchId);
    const sameWeek = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-04-06", destination: "europa" }));
    assert.equal(sameWeek.status, "confirmed");
  });

  it("answers an unknown ticket with NOT_FOUND", async () => {
    await assert.rejects(ctx.uc.cancelBooking("3f2b1c4d-0000-4000-8000-000000000000"), (e: unknown) => e instanceof DomainError && e.kind === "not_found");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Booking } from "../../domain/launch/booking.js";
import { DomainError } from "../../domain/errors.js";
import type { Page } from "../ports.js";
import type { LaunchListItem } from "./ports.js";
import { useBookingUseCases } from "./testdata/booking-use-cases.js";
import { addSpacexLaunch, bookingRequest, PADS } from "../../testkit/launch-fixtures.js";

const NOW = new Date("2049-03-01T12:00:00Z");
const ctx = useBookingUseCases({ launchCapacity: 50, now: NOW });

/** Follows next cursors to the end and returns every item in order. */
async function walk<T>(fetchPage: (after: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(after);
    items.push(...page.items);
    after = page.nextCursor;
    pages++;
    assert.ok(pages < 100, "pagination does not end");
  } while (after !== undefined);
  return { items, pages };
}

const key = (i: LaunchListItem) => `${i.provider}:${i.launch.launchDate}`;

describe("listing bookings, launchpads and launches", () => {
  it("walks bookings newest first, each exactly once, with filters, even when rows change between pages", async () => {
    const made: Booking[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.vandenberg, launchDate: "2049-04-04", firstName: `W${"abcdefg"[i]}` })));
    }
    made.push(await ctx.uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-04-05", destination: "moon" })));

    const pads = { launchpadId: PADS.vandenberg };
    const first = await ctx.uc.listBookings(pads, { size: 3, after: undefined });
    await ctx.uc.cancelBooking(first.items[0].id); // a change between pages moves nothing
    const rest = await walk((after) => ctx.uc.listBookings(pads, { size: 3, after: after ?? first.nextCursor }));
    const ids = [...first.items, ...rest.items].map((b) => b.id);
    assert.deepEqual(
      ids,
      made
        .slice(0, 7)
        .map((b) => b.id)
        .reverse(),
    );

    const cancelled = await ctx.uc.listBookings({ status: "cancelled" }, { size: 10, after: undefined });
    assert.deepEqual(
      cancelled.items.map((b) => b.id),
      [first.items[0].id],
    );
    assert.equal(cancelled.items[0].cancellation?.reason, "customer_request");
    const moon = await ctx.uc.listBookings(
      { destination: "moon", fromLaunchDate: "2049-04-05" as never, toLaunchDate: "2049-04-05" as never },
      { size: 10, after: undefined },
    );
    assert.deepEqual(
      moon.items.map((b) => b.id),
      [made[7].id],
    );
    const exact = await ctx.uc.listBookings(pads, { size: 7, after: undefined });
    assert.equal(exact.nextCursor, undefined, "a last page of exactly page-size rows has no next cursor");
    await assert.rejects(
      ctx.uc.listBookings({ fromLaunchDate: "2049-05-01" as never, toLaunchDate: "2049-04-01" as never }, { size: 10, after: undefined }),
      (e: unknown) => e instanceof DomainError && e.violations[0]?.field === "to_launch_date",
    );
  });

  it("lists launchpads by status and gets one", async () => {
    const active = await ctx.uc.listLaunchpads({ status: "active" });
    assert.deepEqual(active.map((p) => p.id).sort(), [PADS.cape, PADS.kennedy, PADS.vandenberg].sort());
    assert.equal((await ctx.uc.listLaunchpads({})).length, 6);
    const cape = await ctx.uc.getLaunchpad(PADS.cape);
    assert.deepEqual([cape.name, cape.timeZone, cape.status], ["CCSFS SLC 40", "America/New_York", "active"]);
    await assert.rejects(ctx.uc.getLaunchpad("nope"), (e: unknown) => e instanceof DomainError && e.kind === "not_found");
  });

  it("lists our launches and SpaceX's by pad-local date, filtered and paginated", async () => {
    // Starlink 4-34: 01:05 UTC on 06-17 is 06-16 at the Cape.
    await addSpacexLaunch(ctx.handle.db, { id: "63161329ffc78f3b8567070b", launchpadId: PADS.cape, dateUtc: "2049-06-17T01:05:00Z" });
    await addSpacexLaunch(ctx.handle.db, { id: "6243ae58af52800c6e91925a", launchpadId: PADS.cape, dateUtc: "2049-07-01T00:00:00Z", precision: "month" });
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-15", destination: "europa" }));
    await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-18", destination: "titan" }));
    const cancelled = await ctx.uc.createBooking(bookingRequest({ launchDate: "2049-06-19", destination: "pluto" }));
    await ctx.uc.cancelBooking(cancelled.id);

    const window = { launchpadId: PADS.cape, fromDate: "2049-06-01" as never, toDate: "2049-07-31" as never };
    const { items, pages } = await walk((after) => ctx.uc.listLaunches(window, { size: 2, after }));
    assert.equal(pages, 3);
    assert.deepEqual(items.map(key), ["spacet:2049-06-15", "spacex:2049-06-16", "spacet:2049-06-18", "spacet:2049-06-19", "spacex:2049-06-30"]);
    const ours = items.filter((i) => i.provider === "spacet").map((i) => (i.provider === "spacet" ? i.launch.status : ""));
    assert.deepEqual(ours, ["scheduled", "scheduled", "cancelled"]);

    const onlySpacex = await ctx.uc.listLaunches({ ...window, provider: "spacex" }, { size: 10, after: undefined });
    assert.deepEqual(onlySpacex.items.map(key), ["spacex:2049-06-16", "spacex:2049-06-30"]);
    const otherPad = await ctx.uc.listLaunches({ launchpadId: PADS.kennedy, fromDate: "2049-06-01" as never }, { size: 10, after: undefined });
    assert.equal(otherPad.items.length, 0);
  });
});

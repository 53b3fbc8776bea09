import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import type { Flight } from "../../domain/flight/flight.js";
import type { Principal } from "../../domain/identity/principal.js";
import { flightPlan, insertUser } from "../../testkit/flight-fixtures.js";
import type { Page, PageRequest } from "../ports.js";
import { useFlightUseCases } from "./testdata/flight-use-cases.js";

const ctx = useFlightUseCases();

/** Every item, walking pages of `size`. */
async function walk<T>(list: (page: PageRequest) => Promise<Page<T>>, size: number): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  do {
    const page = await list({ size, after });
    assert.ok(page.items.length <= size);
    all.push(...page.items);
    after = page.nextCursor;
  } while (after !== undefined);
  return all;
}

describe("SearchFlights", () => {
  let day: Date;
  let flights: Flight[];
  before(async () => {
    // 15:00 UTC is midday in Buenos Aires: the whole set departs on one local date there.
    day = new Date(Date.now() + 20 * 86_400_000);
    day.setUTCHours(15, 0, 0, 0);
    const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
    const plans = [30, 0, 30, 10, 30].map((m) => flightPlan({ origin: "COR", destination: "BRC", departureTime: at(m), arrivalTime: at(m + 120) }));
    flights = [];
    for (const p of plans) flights.push(await ctx.uc.createFlight(p));
    // Not on the route, or another local day: never listed with the ones above.
    await ctx.uc.createFlight(flightPlan({ origin: "BRC", destination: "COR", departureTime: at(0), arrivalTime: at(60) }));
    await ctx.uc.createFlight(flightPlan({ origin: "COR", destination: "BRC", departureTime: at(24 * 60), arrivalTime: at(25 * 60) }));
  });

  it("lists one route's flights of one local date by departure, then id, over pages", async () => {
    const date = flights[0].departureDate;
    const expected = [...flights].sort((a, b) => a.departureTime.getTime() - b.departureTime.getTime() || (a.id < b.id ? -1 : 1)).map((f) => f.id);
    for (const size of [1, 2, 100]) {
      const seen = await walk((page) => ctx.uc.searchFlights({ origin: "COR", destination: "BRC", departureDate: date }, page), size);
      assert.deepEqual(
        seen.map((f) => f.id),
        expected,
        `page size ${size}`,
      );
    }
  });

  it("without a date lists every flight of the route that has not departed; only_bookable drops the closed ones", async () => {
    const all = await walk((page) => ctx.uc.searchFlights({ origin: "COR", destination: "BRC" }, page), 3);
    assert.equal(all.length, 6);
    await ctx.uc.cancelFlight(flights[1].id);
    const bookable = await walk((page) => ctx.uc.searchFlights({ origin: "COR", destination: "BRC", onlyBookable: true }, page), 3);
    assert.deepEqual(bookable.map((f) => f.id).includes(flights[1].id), false);
    assert.equal(bookable.length, 5);
  });

  it("answers an empty page for a route nobody flies, and refuses a cursor it did not make", async () => {
    assert.deepEqual(await ctx.uc.searchFlights({ origin: "XXX", destination: "YYY" }, { size: 10, after: undefined }), { items: [], nextCursor: undefined });
    for (const after of ["nope", "[1,2]", '["2049-01-01T00:00:00Z","x"]', '["2049-01-01T00:00:00.000Z","not-a-uuid"]']) {
      await assert.rejects(
        ctx.uc.searchFlights({ origin: "COR", destination: "BRC" }, { size: 10, after }),
        (e: unknown) => e instanceof DomainError && e.kind === "invalid" && e.violations[0].field === "page_token",
        after,
      );
    }
  });
});

describe("ListFlightBookings", () => {
  let ada: Principal;
  let bob: Principal;
  let operator: Principal;
  let flights: Flight[];
  before(async () => {
    [ada, bob, operator] = [await insertUser(ctx.handle.db), await insertUser(ctx.handle.db), await insertUser(ctx.handle.db, "operator")];
    flights = [await ctx.uc.createFlight(flightPlan()), await ctx.uc.createFlight(flightPlan())];
    for (const [who, flight] of [
      [ada, 0],
      [bob, 0],
      [ada, 1],
      [ada, 0],
      [bob, 1],
    ] as const) {
      await ctx.uc.bookFlight(who, { flightId: flights[flight].id, seats: [{ seatClass: "aisle", count: 1 }], requestId: undefined });
    }
  });

  it("shows a user their own bookings only, newest first, over pages", async () => {
    const mine = await walk((page) => ctx.uc.listFlightBookings(ada, {}, page), 2);
    assert.equal(mine.length, 3);
    assert.ok(mine.every((b) => b.userId === ada.userId));
    assert.ok(mine[0].createdAt >= mine[2].createdAt, "newest first");
    assert.equal((await walk((page) => ctx.uc.listFlightBookings(ada, { flightId: flights[0].id }, page), 10)).length, 2);
  });

  it("refuses a user who names another user (PERMISSION_DENIED), and lets an operator list anyone's", async () => {
    await assert.rejects(ctx.uc.listFlightBookings(ada, { userId: bob.userId }, { size: 10, after: undefined }), (e: unknown) => {
      return e instanceof DomainError && e.kind === "permission_denied";
    });
    assert.equal((await walk((page) => ctx.uc.listFlightBookings(operator, {}, page), 2)).length, 5);
    const bobs = await walk((page) => ctx.uc.listFlightBookings(operator, { userId: bob.userId, flightId: flights[1].id }, page), 10);
    assert.deepEqual(
      bobs.map((b) => [b.userId, b.flightId]),
      [[bob.userId, flights[1].id]],
    );
  });
});

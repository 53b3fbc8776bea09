import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Doc } from "./fixtures.js";
import { compileQuery } from "./mongo-query.js";
import { QueryError } from "./query-error.js";

const SLC40 = "5e9e4501f509094ba4566f84";
const LC39A = "5e9e4502f509094188566f88";
const launches: Doc[] = [
  { id: "a", upcoming: false, launchpad: SLC40, date_utc: "2022-08-31T23:59:59.000Z", flight_number: 1, links: { webcast: "w" } },
  { id: "b", upcoming: true, launchpad: SLC40, date_utc: "2022-09-17T01:05:00.000Z", flight_number: 2, links: { webcast: null } },
  { id: "c", upcoming: true, launchpad: LC39A, date_utc: "2022-10-01T00:00:00.000Z", flight_number: 3, links: {} },
  { id: "d", upcoming: true, launchpad: null, date_utc: "2022-12-01T00:00:00.000Z", flight_number: 4, links: {} },
];
const ids = (query: unknown) => launches.filter(compileQuery(query)).map((l) => l.id);

describe("compileQuery", () => {
  it("matches everything without a query", () => {
    assert.deepEqual(ids(undefined), ["a", "b", "c", "d"]);
    assert.deepEqual(ids({}), ["a", "b", "c", "d"]);
  });

  it("matches field equality, including upcoming, launchpad, null and dotted paths", () => {
    assert.deepEqual(ids({ upcoming: true }), ["b", "c", "d"]);
    assert.deepEqual(ids({ upcoming: true, launchpad: SLC40 }), ["b"]);
    assert.deepEqual(ids({ launchpad: null }), ["d"]);
    assert.deepEqual(ids({ "links.webcast": null }), ["b", "c", "d"], "null matches null and missing");
    assert.deepEqual(ids({ launchpad: { $eq: LC39A } }), ["c"]);
    assert.deepEqual(ids({ launchpad: { $ne: SLC40 } }), ["c", "d"]);
  });

  it("matches $in and $nin", () => {
    assert.deepEqual(ids({ launchpad: { $in: [LC39A, null] } }), ["c", "d"]);
    assert.deepEqual(ids({ flight_number: { $nin: [1, 4] } }), ["b", "c"]);
  });

  it("compares date_utc as instants, whatever the query's date format", () => {
    assert.deepEqual(ids({ date_utc: { $gte: "2022-09-01", $lt: "2022-10-01T00:00:00Z" } }), ["b"]);
    assert.deepEqual(ids({ date_utc: { $gt: "2022-09-17T01:05:00Z", $lte: "2022-12-01T00:00:00.000Z" } }), ["c", "d"]);
    assert.deepEqual(ids({ date_utc: "2022-10-01T02:00:00+02:00" }), ["c"]);
    assert.deepEqual(ids({ date_utc: { $in: ["2022-12-01", "2022-09-17T01:05:00Z"] } }), ["b", "d"]);
  });

  it("compares numbers as numbers and never across types", () => {
    assert.deepEqual(ids({ flight_number: { $gte: 2, $lt: 4 } }), ["b", "c"]);
    assert.deepEqual(ids({ flight_number: { $gte: "2" } }), []);
  });

  it("refuses what it does not implement, as a 400 would", () => {
    for (const query of [
      { $or: [{ upcoming: true }] },
      { name: { $regex: "Star" } },
      { date_utc: { $gte: "not a date" } },
      { links: { webcast: "w" } },
      { flight_number: { $in: 3 } },
      [],
    ]) {
      assert.throws(() => compileQuery(query), QueryError, JSON.stringify(query));
    }
  });
});

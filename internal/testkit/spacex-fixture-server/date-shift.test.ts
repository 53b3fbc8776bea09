import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatWithOffset, shiftInstant, shiftLaunch, zoneOffsetMinutes } from "./date-shift.js";

const zones = new Map([["5e9e4501f509094ba4566f84", "America/New_York"]]);
const starlink434 = {
  id: "63161329ffc78f3b8567070b",
  name: "Starlink 4-34 (v1.5)",
  launchpad: "5e9e4501f509094ba4566f84",
  date_utc: "2022-09-17T01:05:00.000Z",
  date_unix: 1663376700,
  date_local: "2022-09-16T21:05:00-04:00",
};

describe("shiftLaunch", () => {
  for (const years of [1, 4, 5, 30]) {
    it(`moves Starlink 4-34 by ${years} years and keeps 01:05Z on 09-17`, () => {
      const shifted = shiftLaunch(starlink434, { years }, zones);
      const year = 2022 + years;
      assert.equal(shifted.date_utc, `${year}-09-17T01:05:00.000Z`);
      assert.equal(shifted.date_unix, Date.parse(`${year}-09-17T01:05:00Z`) / 1000);
      assert.equal(shifted.date_local, `${year}-09-16T21:05:00-04:00`);
      assert.equal(Date.parse(String(shifted.date_local)), Date.parse(String(shifted.date_utc)));
      assert.equal(shifted.name, starlink434.name);
    });
  }

  it("moves by days after years", () => {
    const shifted = shiftLaunch(starlink434, { years: 1, days: 20 }, zones);
    assert.equal(shifted.date_utc, "2023-10-07T01:05:00.000Z");
    assert.equal(shifted.date_local, "2023-10-06T21:05:00-04:00");
  });

  it("rewrites the local offset when the new date falls on the other side of a DST change", () => {
    // 2022-03-12 was still EST (DST began on the 13th); 2023-03-12 was already EDT.
    const march = { ...starlink434, date_utc: "2022-03-12T12:00:00.000Z", date_local: "2022-03-12T07:00:00-05:00" };
    const shifted = shiftLaunch(march, { years: 1 }, zones);
    assert.equal(shifted.date_local, "2023-03-12T08:00:00-04:00");
    assert.equal(Date.parse(String(shifted.date_local)), Date.parse(String(shifted.date_utc)));
  });

  it("keeps the original offset text when the pad's zone is unknown", () => {
    const kwajalein = { ...starlink434, launchpad: null, date_utc: "2008-09-28T23:15:00.000Z", date_local: "2008-09-29T11:15:00+12:00" };
    const shifted = shiftLaunch(kwajalein, { years: 20 }, zones);
    assert.equal(shifted.date_local, "2028-09-29T11:15:00+12:00");
    assert.equal(Date.parse(String(shifted.date_local)), Date.parse(String(shifted.date_utc)));
  });

  it("leaves a launch untouched by a zero shift", () => {
    assert.equal(shiftLaunch(starlink434, {}, zones), starlink434);
    assert.equal(shiftLaunch(starlink434, { years: 0, days: 0 }, zones), starlink434);
  });

  it("refuses fractional shifts", () => {
    assert.throws(() => shiftLaunch(starlink434, { years: 0.5 }, zones), RangeError);
    assert.throws(() => shiftLaunch(starlink434, { days: Number.NaN }, zones), RangeError);
  });
});

describe("shiftInstant", () => {
  it("turns 29 February into the 28th in a common year, and keeps it in a leap year", () => {
    const leap = new Date("2024-02-29T10:00:00.000Z");
    assert.equal(shiftInstant(leap, { years: 1 }).toISOString(), "2025-02-28T10:00:00.000Z");
    assert.equal(shiftInstant(leap, { years: 4 }).toISOString(), "2028-02-29T10:00:00.000Z");
    assert.equal(shiftInstant(leap, { years: -1, days: -1 }).toISOString(), "2023-02-27T10:00:00.000Z");
  });
});

describe("offsets", () => {
  it("reads zone offsets and formats wall times like SpaceX", () => {
    const at = new Date("2022-09-17T01:05:00Z");
    assert.equal(zoneOffsetMinutes(at, "America/New_York"), -240);
    assert.equal(zoneOffsetMinutes(at, "UTC"), 0);
    assert.equal(zoneOffsetMinutes(at, "Asia/Kolkata"), 330);
    assert.equal(formatWithOffset(at, 330), "2022-09-17T06:35:00+05:30");
    assert.equal(formatWithOffset(at, 0), "2022-09-17T01:05:00+00:00");
  });
});

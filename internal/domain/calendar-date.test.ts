import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dateInZone, parseCalendarDate } from "./calendar-date.js";

describe("calendar dates", () => {
  it("accepts only dates that exist", () => {
    const cases: [string, boolean][] = [
      ["2049-02-28", true],
      ["2048-02-29", true],
      ["2049-02-29", false],
      ["2049-02-30", false],
      ["2049-13-01", false],
      ["2049-00-10", false],
      ["2049-04-31", false],
      ["0000-01-01", false],
      ["49-1-1", false],
      ["2049-01-01T00:00:00Z", false],
    ];
    for (const [text, ok] of cases) assert.equal(parseCalendarDate(text) !== undefined, ok, text);
  });

  it("sees an instant's date in the pad's zone", () => {
    const starlink = new Date("2022-09-17T01:05:00Z");
    assert.equal(dateInZone(starlink, "America/New_York"), "2022-09-16");
    assert.equal(dateInZone(starlink, "UTC"), "2022-09-17");
    assert.equal(dateInZone(new Date("2022-09-16T12:30:00Z"), "Pacific/Kwajalein"), "2022-09-17");
  });
});

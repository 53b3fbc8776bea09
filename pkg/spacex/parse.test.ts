import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { resolveFixturesDir } from "../../internal/testkit/spacex-fixture-server/fixtures.js";
import { parseLaunch } from "./launch.js";
import { parseLaunchpad } from "./launchpad.js";
import { PayloadIssue } from "./payload.js";

const fixture = async (name: string) => JSON.parse(await readFile(`${resolveFixturesDir()}/${name}`, "utf8"));
const launches: Record<string, unknown>[] = await fixture("v4-launches-all.json");
const launchpads: Record<string, unknown>[] = await fixture("v4-launchpads.json");

const starlink434 = launches.find((l) => l.id === "63161329ffc78f3b8567070b") ?? assert.fail("fixture lacks Starlink 4-34");
const slc40 = launchpads.find((p) => p.id === "5e9e4501f509094ba4566f84") ?? assert.fail("fixture lacks SLC 40");

function rejects(parse: () => unknown, path: string, pattern: RegExp) {
  assert.throws(parse, (error) => error instanceof PayloadIssue && error.path === path && pattern.test(error.message));
}

describe("parseLaunch", () => {
  it("accepts every launch of the snapshot and camel-cases the fields", () => {
    assert.equal(launches.map((l, i) => parseLaunch(l, `$[${i}]`)).length, 193);
    assert.deepEqual(parseLaunch(starlink434, "$"), {
      id: "63161329ffc78f3b8567070b",
      name: "Starlink 4-34 (v1.5)",
      flightNumber: 185,
      dateUtc: new Date("2022-09-17T01:05:00.000Z"),
      datePrecision: "hour",
      upcoming: true,
      launchpadId: "5e9e4501f509094ba4566f84",
    });
  });

  it("accepts a launch without a pad yet", () => {
    assert.equal(parseLaunch({ ...starlink434, launchpad: null }, "$").launchpadId, null);
  });

  it("rejects dates that are not real ISO instants", () => {
    for (const date of ["2022-02-30T00:00:00.000Z", "2022-09-17T01:05:00", "2022-09-17", "soon", 1663376700, "2022-09-17T24:00:00Z"]) {
      rejects(() => parseLaunch({ ...starlink434, date_utc: date }, "$"), "$.date_utc", /ISO-8601|calendar/);
    }
    assert.equal(parseLaunch({ ...starlink434, date_utc: "2022-09-16T21:05:00-04:00" }, "$").dateUtc.toISOString(), "2022-09-17T01:05:00.000Z");
  });

  it("rejects unknown precisions, bad ids and missing fields, naming the field", () => {
    rejects(() => parseLaunch({ ...starlink434, date_precision: "week" }, "docs[3]"), "docs[3].date_precision", /one of/);
    rejects(() => parseLaunch({ ...starlink434, id: "63161329" }, "$"), "$.id", /24-hex/);
    rejects(() => parseLaunch({ ...starlink434, launchpad: "CCSFS SLC 40" }, "$"), "$.launchpad", /24-hex/);
    rejects(() => parseLaunch({ ...starlink434, upcoming: "true" }, "$"), "$.upcoming", /boolean/);
    rejects(() => parseLaunch({ ...starlink434, flight_number: 1.5 }, "$"), "$.flight_number", /integer/);
    const { name: _name, ...nameless } = starlink434;
    rejects(() => parseLaunch(nameless, "$"), "$.name", /got nothing/);
    rejects(() => parseLaunch([starlink434], "$"), "$", /object/);
  });
});

describe("parseLaunchpad", () => {
  it("accepts every pad of the snapshot", () => {
    assert.deepEqual(
      launchpads.map((p, i) => parseLaunchpad(p, `$[${i}]`).status),
      ["retired", "active", "under construction", "retired", "active", "active"],
    );
    assert.deepEqual(parseLaunchpad(slc40, "$"), {
      id: "5e9e4501f509094ba4566f84",
      name: "CCSFS SLC 40",
      fullName: "Cape Canaveral Space Force Station Space Launch Complex 40",
      locality: "Cape Canaveral",
      region: "Florida",
      timezone: "America/New_York",
      status: "active",
    });
  });

  it("rejects time zones that are not IANA names", () => {
    for (const zone of ["Mars/Olympus_Mons", "+01:00", "EST5EDT ", "", null]) {
      rejects(() => parseLaunchpad({ ...slc40, timezone: zone }, "$"), "$.timezone", /IANA|non-empty/);
    }
  });

  it("rejects a status SpaceX does not define", () => {
    rejects(() => parseLaunchpad({ ...slc40, status: "Active" }, "$"), "$.status", /one of "active"/);
  });
});

import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createSpacexSync, type SpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { createLaunchUseCases, type LaunchUseCases } from "../../../cmd/wiring/launch.js";
import { resolveFixturesDir } from "../../testkit/spacex-fixture-server/fixtures.js";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../../testkit/spacex-fixture-server/server.js";
import { DomainError } from "../../domain/errors.js";
import { type DatabaseHandle, openDatabase } from "../../infra/postgres/db.js";
import { bookingRequest, PADS } from "../../testkit/launch-fixtures.js";
import { createTestDatabase } from "../../testkit/postgres.js";
import { spacexLaunchDoc, syncSettings } from "../../testkit/spacex-sync.js";
import { silentLog } from "../../testkit/logs.js";

const DAY = 86_400_000;
const NEW_PAD = "cccccccccccccccccccc0001";
let now = new Date("2049-06-01T12:00:00Z");

let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
let fixturesDir: string;
let fixture: SpacexFixtureServer;
let uc: LaunchUseCases;
let sync: SpacexSync;

/** SpaceX's pads as of "later": Kennedy retired, STLS finished, Vandenberg 4E moved zone, one new pad. */
async function writeChangedPads(dir: string): Promise<void> {
  const source = resolveFixturesDir();
  for (const file of ["v4-launches-all.json", "v4-landpads-wrapped.json"]) await copyFile(join(source, file), join(dir, file));
  const pads = JSON.parse(await readFile(join(source, "v4-launchpads.json"), "utf8")) as Record<string, unknown>[];
  const patch: Record<string, Record<string, unknown>> = {
    [PADS.kennedy]: { status: "retired" },
    [PADS.underConstruction]: { status: "active" },
    [PADS.vandenberg]: { timezone: "Pacific/Auckland" },
  };
  const changed = pads.map((pad) => ({ ...pad, ...patch[pad.id as string] }));
  changed.push({ ...pads[0], id: NEW_PAD, name: "Test Pad", full_name: "Test Pad Complex", timezone: "Europe/Madrid", status: "active" });
  await writeFile(join(dir, "v4-launchpads.json"), JSON.stringify(changed));
}

before(async () => {
  const tdb = await createTestDatabase();
  dropDatabase = tdb.drop;
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 5 });
  fixturesDir = await mkdtemp(join(tmpdir(), "spacet-pads-"));
  await writeChangedPads(fixturesDir);
  fixture = await startSpacexFixtureServer({ fixturesDir, shiftYears: 27 });
  const clock = () => now;
  uc = createLaunchUseCases({ db: handle.db, launchCapacity: 5, clock });
  sync = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url), log: silentLog, clock });
});
after(async () => {
  await fixture?.close();
  await handle?.close();
  await dropDatabase?.();
  if (fixturesDir) await rm(fixturesDir, { recursive: true, force: true });
});

describe("Launchpad refresh", () => {
  it("refreshes the seed snapshot at start-up, then the launch sync reads the pads' new zones", async () => {
    // Booked while Vandenberg is in Los Angeles: 06:30 UTC on the 20th is still the 19th there.
    const v0720 = await uc.createBooking(bookingRequest({ launchpadId: PADS.vandenberg, launchDate: "2049-07-20" }));
    fixture.addLaunch(spacexLaunchDoc({ id: "cccccccccccccccccccc0002", launchpad: PADS.vandenberg, dateUtc: "2049-07-20T06:30:00Z" }));

    // As at start-up: the pads first, then the launch sync.
    const startup = { launchpads: await sync.refreshLaunchpads({ trigger: "startup" }), launches: await sync.syncSpacexLaunches({ trigger: "startup" }) };
    assert.equal(startup.launchpads.kind, "ran");
    const run = startup.launchpads.kind === "ran" ? startup.launchpads.run : assert.fail();
    assert.deepEqual([run.outcome, run.job, run.counts.fetched, run.counts.added, run.counts.changed], ["succeeded", "launchpads", 7, 1, 3]);

    const pads = await uc.listLaunchpads({});
    const byId = new Map(pads.map((p) => [p.id, p]));
    assert.equal(byId.get(PADS.kennedy)?.status, "retired");
    assert.equal(byId.get(PADS.underConstruction)?.status, "active");
    assert.equal(byId.get(PADS.vandenberg)?.timeZone, "Pacific/Auckland");
    assert.equal(byId.get(NEW_PAD)?.timeZone, "Europe/Madrid");
    assert.equal(byId.get(PADS.cape)?.refreshedAt.getTime(), now.getTime());

    // In Auckland that launch is on the 20th, so the launch sync that follows cancels our booking.
    assert.equal(startup.launches.kind === "ran" && startup.launches.run.counts.bookingsCancelled, 1);
    assert.equal((await uc.getBooking(v0720.id)).status, "cancelled");
  });

  it("stops a pad that turned retired from taking bookings, and opens one that became active", async () => {
    await assert.rejects(
      uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-07-01" })),
      (e: unknown) => e instanceof DomainError && e.reason === "LAUNCHPAD_NOT_ACTIVE",
    );
    const opened = await uc.createBooking(bookingRequest({ launchpadId: PADS.underConstruction, launchDate: "2049-07-01" }));
    assert.equal(opened.status, "confirmed");
  });

  it("refreshes again only once the pads are older than the maximum age", async () => {
    const requests = fixture.requests;
    now = new Date(now.getTime() + 29 * DAY);
    assert.equal((await sync.refreshLaunchpads({ trigger: "schedule" })).kind, "not_due");
    assert.equal(fixture.requests, requests, "a job that is not due does not call SpaceX");
    now = new Date(now.getTime() + DAY);
    const again = await sync.refreshLaunchpads({ trigger: "schedule" });
    assert.equal(again.kind === "ran" && again.run.outcome, "succeeded");
    assert.deepEqual(again.kind === "ran" && [again.run.counts.added, again.run.counts.changed], [0, 0]);
  });
});

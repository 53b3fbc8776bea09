import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createSpacexSync, type SpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { createLaunchUseCases, type LaunchUseCases } from "../../../cmd/wiring/launch.js";
import { type SpacexFixtureFault, type SpacexFixtureServer, startSpacexFixtureServer } from "../../testkit/spacex-fixture-server/server.js";
import type { Booking } from "../../domain/launch/booking.js";
import { type DatabaseHandle, openDatabase } from "../../infra/postgres/db.js";
import { bookingRequest, PADS, rowCounts } from "../../testkit/launch-fixtures.js";
import { createTestDatabase } from "../../testkit/postgres.js";
import { fastFailingProvider, mirrorSnapshot, spacexLaunchDoc, syncSettings } from "../../testkit/spacex-sync.js";
import { silentLog } from "../../testkit/logs.js";

const NOW = new Date("2049-06-01T12:00:00Z");
/** Moves on a second per reading, so runs are ordered in time as they are in real life. */
let ticks = 0;
const clock = () => new Date(NOW.getTime() + 1000 * ticks++);
/** Announced by SpaceX after our booking: a run that gets through would cancel it. */
const CONFLICT = "bbbbbbbbbbbbbbbbbbbb0001";

let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
let fixture: SpacexFixtureServer;
let uc: LaunchUseCases;
let sync: SpacexSync;
let victim: Booking;

before(async () => {
  const tdb = await createTestDatabase();
  dropDatabase = tdb.drop;
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 5 });
  fixture = await startSpacexFixtureServer({ shiftYears: 27 });
  uc = createLaunchUseCases({ db: handle.db, launchCapacity: 5, clock });
  // Small pages so "a lost page" has pages to lose; no retries and a short timeout keep faults fast.
  const provider = fastFailingProvider(fixture.url, { timeoutMs: 300, pageSize: 4 });
  sync = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url), log: silentLog, clock, provider });

  // A first, healthy run fills the mirror; then SpaceX announces a launch on our booked day.
  const firstRun = await sync.syncSpacexLaunches({ trigger: "startup" });
  assert.equal(firstRun.kind === "ran" && firstRun.run.outcome, "succeeded");
  victim = await uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-07-06" }));
  fixture.addLaunch(spacexLaunchDoc({ id: CONFLICT, launchpad: PADS.kennedy, dateUtc: "2049-07-06T14:00:00Z" }));
});
after(async () => {
  await fixture?.close();
  await handle?.close();
  await dropDatabase?.();
});
beforeEach(() => fixture.setFault(null));

const faults: Array<[string, SpacexFixtureFault, RegExp]> = [
  ["answers 500", { kind: "status", status: 500 }, /HTTP 500/],
  ["times out", { kind: "timeout" }, /no complete answer within 300 ms/],
  ["returns malformed JSON", { kind: "malformed" }, /not JSON/],
  ["loses a page", { kind: "missing_page", page: 2 }, /page 2: 0 docs, expected 4/],
];

describe("SpaceX sync faults: the run fails, is recorded with its error, and changes nothing", () => {
  for (const [name, fault, error] of faults) {
    it(`when SpaceX ${name}`, async () => {
      const mirror = await mirrorSnapshot(handle.db);
      const counts = await rowCounts(handle.db);
      fixture.setFault(fault);

      const outcome = await sync.syncSpacexLaunches({ trigger: "manual", force: true });
      assert.equal(outcome.kind, "ran");
      const run = outcome.kind === "ran" ? outcome.run : assert.fail("no run");
      assert.equal(run.outcome, "failed");
      assert.match(run.error ?? "", error);
      assert.deepEqual(run.counts, { fetched: 0, added: 0, changed: 0, removed: 0, launchesCancelled: 0, bookingsCancelled: 0 });

      assert.equal((await uc.getBooking(victim.id)).status, "confirmed");
      assert.deepEqual(await mirrorSnapshot(handle.db), mirror, "the SpaceX mirror is untouched");
      assert.deepEqual(await rowCounts(handle.db), counts, "no launch, booking or outbox row changed");
      const status = await sync.getSyncStatus();
      assert.equal(status.launches.lastRun?.id, run.id);
      assert.equal(status.launches.lastFailure?.error, run.error);
      assert.notEqual(status.launches.lastSuccess?.id, run.id);
    });
  }

  it("recovers on the next run once SpaceX answers again, and still reports the last error", async () => {
    const outcome = await sync.syncSpacexLaunches({ trigger: "schedule", force: true });
    assert.equal(outcome.kind === "ran" && outcome.run.outcome, "succeeded");
    const got = await uc.getBooking(victim.id);
    assert.deepEqual([got.status, got.cancellation?.spacexLaunchId], ["cancelled", CONFLICT]);
    const status = await sync.getSyncStatus();
    assert.equal(status.launches.lastSuccess?.counts.bookingsCancelled, 1);
    assert.match(status.launches.lastFailure?.error ?? "", /page 2/);
    assert.equal(status.running, false);
  });
});

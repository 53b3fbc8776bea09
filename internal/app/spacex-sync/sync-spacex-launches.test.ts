import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSpacexSync, type SpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { createLaunchUseCases, type LaunchUseCases } from "../../../cmd/wiring/launch.js";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../../testkit/spacex-fixture-server/server.js";
import type { Booking } from "../../domain/launch/booking.js";
import { DomainError } from "../../domain/errors.js";
import { type DatabaseHandle, openDatabase } from "../../infra/postgres/db.js";
import { bookingRequest, PADS } from "../../testkit/launch-fixtures.js";
import { createTestDatabase } from "../../testkit/postgres.js";
import { spacexLaunchDoc, syncSettings } from "../../testkit/spacex-sync.js";
import type { SyncOutcome } from "./run-sync-job.js";
import { Registry } from "prom-client";
import { createSpacetMetrics } from "../../infra/metrics/spacet-metrics.js";
import { parsePrometheusText, sampleValue } from "../../testkit/prometheus-text.js";
import { silentLog } from "../../testkit/logs.js";

// The fixtures' 2022 schedule moved 27 years ahead; "now" is months before its first launch.
const NOW = new Date("2049-06-01T12:00:00Z");
const HOUR = 3_600_000;
const STARLINK_4_34 = "63161329ffc78f3b8567070b";
/** Ours, added to the fixture schedule: X1 and X3 stay put, X2 gets rescheduled, X3 vanishes. */
const X1 = "aaaaaaaaaaaaaaaaaaaa0001";
const X2 = "aaaaaaaaaaaaaaaaaaaa0002";
const X3 = "aaaaaaaaaaaaaaaaaaaa0003";

let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
let fixture: SpacexFixtureServer;
let uc: LaunchUseCases;
let sync: SpacexSync;
let now = NOW;
let first: SyncOutcome;
const registry = new Registry();
const b: Record<string, Booking> = {};

const book = (name: string, launchpadId: string, launchDate: string, destination: Booking["destination"]) =>
  uc.createBooking(bookingRequest({ launchpadId, launchDate, destination, firstName: name }));
const ran = (o: SyncOutcome) => {
  assert.equal(o.kind, "ran");
  return (o as Extract<SyncOutcome, { kind: "ran" }>).run;
};
const forceSync = async () => ran(await sync.syncSpacexLaunches({ trigger: "manual", force: true }));

before(async () => {
  const tdb = await createTestDatabase();
  dropDatabase = tdb.drop;
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 5 });
  fixture = await startSpacexFixtureServer({ shiftYears: 27 });
  fixture.addLaunch(spacexLaunchDoc({ id: X1, launchpad: PADS.kennedy, dateUtc: "2049-07-06T14:00:00Z" }));
  fixture.addLaunch(spacexLaunchDoc({ id: X2, launchpad: PADS.vandenberg, dateUtc: "2049-08-03T18:00:00Z" }));
  fixture.addLaunch(spacexLaunchDoc({ id: X3, launchpad: PADS.cape, dateUtc: "2049-08-10T16:00:00Z", precision: "day" }));
  const clock = () => now;
  uc = createLaunchUseCases({ db: handle.db, launchCapacity: 5, clock });
  sync = createSpacexSync({ db: handle.db, settings: syncSettings(fixture.url, HOUR), log: silentLog, clock, metrics: createSpacetMetrics(registry).sync });

  // Booked while the mirror is still empty, as if SpaceX announced these launches afterwards.
  b.k0706a = await book("Ann", PADS.kennedy, "2049-07-06", "mars");
  b.k0706b = await book("Ben", PADS.kennedy, "2049-07-06", "mars");
  b.k0707 = await book("Cal", PADS.kennedy, "2049-07-07", "moon");
  b.c0706 = await book("Dee", PADS.cape, "2049-07-06", "mars");
  b.c0916 = await book("Eve", PADS.cape, "2049-09-16", "europa");
  b.c0917 = await book("Fay", PADS.cape, "2049-09-17", "titan");
  b.c1130 = await book("Gus", PADS.cape, "2049-11-30", "mars");
  b.c1201 = await book("Hal", PADS.cape, "2049-12-01", "moon");
  b.v1201 = await book("Ida", PADS.vandenberg, "2049-12-01", "mars");
  b.v0803 = await book("Jon", PADS.vandenberg, "2049-08-03", "pluto");
  b.v0810 = await book("Kim", PADS.vandenberg, "2049-08-10", "europa");
  b.c0810 = await book("Lea", PADS.cape, "2049-08-10", "titan");
  first = await sync.syncSpacexLaunches({ trigger: "startup" });
});
after(async () => {
  await fixture?.close();
  await handle?.close();
  await dropDatabase?.();
});

/** The value of a series of the sync's metrics, as /metrics would show it. */
const metric = async (name: string, labels: Record<string, string>) => sampleValue(parsePrometheusText(await registry.metrics()), name, labels);
const status = async (key: string) => (await uc.getBooking(b[key].id)).status;
const launchRow = (id: string) => handle.db.selectFrom("launches").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const rejectsWith = (p: Promise<unknown>, reason: string) => assert.rejects(p, (e: unknown) => e instanceof DomainError && e.reason === reason);

describe("SpaceX sync: conflicts", () => {
  it("cancels our bookings on the SpaceX pad and pad-local day, and not the next day nor another pad", async () => {
    for (const key of ["k0706a", "k0706b"]) {
      const got = await uc.getBooking(b[key].id);
      assert.equal(got.status, "cancelled");
      assert.deepEqual(got.cancellation, { reason: "spacex_conflict", spacexLaunchId: X1, cancelledAt: NOW });
    }
    assert.equal(await status("k0707"), "confirmed", "same pad, next day");
    assert.equal(await status("c0706"), "confirmed", "same day, another pad");
    const launch = await launchRow(b.k0706a.launchId);
    assert.deepEqual([launch.status, launch.cancel_reason, launch.spacex_launch_id, launch.booked_seats], ["cancelled", "spacex_conflict", X1, 0]);

    const page = await uc.listBookings({ launchpadId: PADS.kennedy, status: "cancelled" }, { size: 10, after: undefined });
    assert.deepEqual(
      page.items.map((x) => [x.id, x.cancellation?.reason, x.cancellation?.spacexLaunchId]).sort(),
      [
        [b.k0706a.id, "spacex_conflict", X1],
        [b.k0706b.id, "spacex_conflict", X1],
      ].sort(),
    );
  });

  it("decides the day in the pad's time zone: Starlink 4-34 at 01:05 UTC on the 17th takes the Cape's 16th", async () => {
    const got = await uc.getBooking(b.c0916.id);
    assert.deepEqual([got.status, got.cancellation?.spacexLaunchId], ["cancelled", STARLINK_4_34]);
    assert.equal(await status("c0917"), "confirmed", "the UTC day of the launch stays ours");
  });

  it("lets month-precision launches block nothing (stored and shown, not enforced)", async () => {
    for (const key of ["c1130", "c1201", "v1201"]) assert.equal(await status(key), "confirmed", key);
    const months = await handle.db.selectFrom("spacex_launches").select("id").where("date_precision", "=", "month").execute();
    assert.equal(months.length, 5);
    const more = await book("Max", PADS.cape, "2049-12-01", "moon");
    assert.equal(more.launchId, b.c1201.launchId);
  });

  it("records the run and writes one BookingCancelled per booking and one LaunchCancelled per launch", async () => {
    const run = ran(first);
    assert.equal(run.outcome, "succeeded");
    assert.deepEqual(run.counts, { fetched: 12, added: 12, changed: 0, removed: 0, launchesCancelled: 4, bookingsCancelled: 5 });
    assert.equal(await metric("spacet_sync_runs_total", { job: "spacex_launches", outcome: "succeeded" }), 1, "the run is counted");
    assert.equal(await metric("spacet_sync_duration_seconds_count", { job: "spacex_launches", outcome: "succeeded" }), 1, "and timed");
    assert.equal(await metric("spacet_sync_cancellations_total", { kind: "booking" }), 5);
    assert.equal(await metric("spacet_sync_cancellations_total", { kind: "launch" }), 4);
    const events = await handle.db
      .selectFrom("outbox")
      .select(["event_type", "payload"])
      .where("aggregate_id", "=", b.k0706a.launchId)
      .orderBy("seq")
      .execute();
    assert.deepEqual(
      events.map((e) => e.event_type.replace("spacet.events.v1.", "")),
      ["BookingCreated", "BookingCreated", "BookingCancelled", "BookingCancelled", "LaunchCancelled"],
    );
    const [c1, c2, l] = events.slice(2).map((e) => e.payload as Record<string, unknown>);
    assert.deepEqual(new Set([c1.bookingId, c2.bookingId]), new Set([b.k0706a.id, b.k0706b.id]));
    assert.equal(c1.reason, "CANCELLATION_REASON_SPACEX_CONFLICT");
    assert.equal(c1.spacexLaunchId, X1);
    assert.deepEqual([l.reason, l.spacexLaunchId, l.launchId], ["LAUNCH_CANCEL_REASON_SPACEX_CONFLICT", X1, b.k0706a.launchId]);
    const cancelledEvents = await handle.db
      .selectFrom("outbox")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("event_type", "=", "spacet.events.v1.BookingCancelled")
      .executeTakeFirstOrThrow();
    assert.equal(Number(cancelledEvents.n), 5);
  });

  it("moves the block of a rescheduled launch", async () => {
    assert.equal(await status("v0803"), "cancelled");
    fixture.updateLaunch(X2, { date_utc: "2049-08-10T18:00:00.000Z", date_unix: Date.parse("2049-08-10T18:00:00Z") / 1000 });
    const run = await forceSync();
    assert.deepEqual([run.counts.changed, run.counts.bookingsCancelled], [1, 1]);
    const moved = await uc.getBooking(b.v0810.id);
    assert.deepEqual([moved.status, moved.cancellation?.spacexLaunchId], ["cancelled", X2]);
    const freed = await book("Ned", PADS.vandenberg, "2049-08-03", "pluto");
    assert.equal(freed.status, "confirmed", "the old day is free again");
    await rejectsWith(book("Oz", PADS.vandenberg, "2049-08-10", "titan"), "LAUNCHPAD_TAKEN_BY_SPACEX");
  });

  it("releases the day of a launch that left the upcoming list", async () => {
    await rejectsWith(book("Pia", PADS.cape, "2049-08-10", "titan"), "LAUNCHPAD_TAKEN_BY_SPACEX");
    fixture.removeLaunch(X3);
    const run = await forceSync();
    assert.deepEqual([run.counts.removed, run.counts.fetched], [1, 11]);
    assert.equal(await handle.db.selectFrom("spacex_launches").select("id").where("id", "=", X3).executeTakeFirst(), undefined);
    assert.equal((await book("Pia", PADS.cape, "2049-08-10", "titan")).status, "confirmed");
    assert.equal(await status("c0810"), "cancelled", "a cancellation is not undone");
  });

  it("changes nothing when SpaceX's schedule did not change", async () => {
    const outboxBefore = await handle.db.selectFrom("outbox").select("id").execute();
    const run = await forceSync();
    assert.deepEqual(run.counts, { fetched: 11, added: 0, changed: 0, removed: 0, launchesCancelled: 0, bookingsCancelled: 0 });
    assert.equal((await handle.db.selectFrom("outbox").select("id").execute()).length, outboxBefore.length);
  });

  it("leaves launches on days already past at the pad alone", async () => {
    const past = await book("Quin", PADS.kennedy, "2049-06-05", "titan");
    fixture.addLaunch(spacexLaunchDoc({ id: "aaaaaaaaaaaaaaaaaaaa0004", launchpad: PADS.kennedy, dateUtc: "2049-06-05T15:00:00Z" }));
    now = new Date("2049-06-06T12:00:00Z");
    try {
      const run = await forceSync();
      assert.equal(run.counts.bookingsCancelled, 0);
      assert.equal((await uc.getBooking(past.id)).status, "confirmed");
    } finally {
      now = NOW;
    }
  });
});

describe("SpaceX sync: sync if necessary", () => {
  it("skips a tick younger than the interval and runs a tick exactly one interval later", async () => {
    // Later than any clock used above, so this run is the latest success.
    now = new Date("2049-06-10T00:00:00Z");
    try {
      const last = ran(await sync.syncSpacexLaunches({ trigger: "schedule", force: true }));
      now = new Date(last.startedAt.getTime() + HOUR / 2);
      const notDue = { job: "spacex_launches", outcome: "not_due" };
      const before = (await metric("spacet_sync_runs_total", notDue)) ?? 0;
      assert.equal((await sync.syncSpacexLaunches({ trigger: "schedule" })).kind, "not_due");
      assert.equal(await metric("spacet_sync_runs_total", notDue), before + 1, "a skipped request is counted as not_due");
      now = new Date(last.startedAt.getTime() + HOUR);
      const next = ran(await sync.syncSpacexLaunches({ trigger: "schedule" }));
      assert.equal(next.outcome, "succeeded");
      assert.equal(next.trigger, "schedule");
    } finally {
      now = NOW;
    }
  });
});

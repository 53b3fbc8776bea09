import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { create, type DescMessage, equals, fromJsonString, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { PubSub } from "@google-cloud/pubsub";
import { Registry } from "prom-client";
import { createSpacexSync } from "../../../cmd/wiring/spacex-sync.js";
import { createLaunchUseCases, type LaunchUseCases } from "../../../cmd/wiring/launch.js";
import type { ReceivedEvent } from "../../../examples/echo-consumer/subscribe-events.js";
import { BookingCancelledSchema, BookingCreatedSchema, LaunchCancelledSchema, LaunchCancelReason } from "../../../gen/spacet/events/v1/launch_events_pb.js";
import { CancellationReason } from "../../../gen/spacet/v1/booking_pb.js";
import { Destination } from "../../../gen/spacet/v1/launch_pb.js";
import { bookingRequest, PADS } from "../../testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase, toleratingDrop } from "../../testkit/postgres.js";
import { parsePrometheusText, sampleValue } from "../../testkit/prometheus-text.js";
import { syncSettings } from "../../testkit/spacex-sync.js";
import { createSpacetMetrics } from "../metrics/spacet-metrics.js";
import { type DatabaseHandle, openDatabase } from "../postgres/db.js";
import { createPubsubClient } from "./pubsub-client.js";
import { collectEvents, type TestEmulator, testEmulator, uniqueName } from "../../testkit/pubsub-env.js";
import { insertEvents, startTestRelay } from "./testdata/test-relay.js";
import { silentLog } from "../../testkit/logs.js";

const NOW = new Date("2049-06-01T12:00:00Z");
const SPACEX_LAUNCH = "bbbbbbbbbbbbbbbbbbbb0001";

let tdb: TestDatabase;
let handle: DatabaseHandle;
let emu: TestEmulator;
let admin: PubSub;
let uc: LaunchUseCases;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  [tdb, emu] = await Promise.all([createTestDatabase(), testEmulator()]);
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 5 });
  toleratingDrop(handle.pool);
  admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
  uc = createLaunchUseCases({ db: handle.db, launchCapacity: 5, clock: () => NOW });
});
const runCleanups = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
};
after(async () => {
  await runCleanups();
  await admin.close();
  await handle.close();
  await Promise.all([tdb.drop(), emu.release()]);
});
beforeEach(async () => {
  await runCleanups();
  await handle.pool.query("truncate outbox, outbox_leases");
});

/** A fresh topic, a subscription on it and a relay publishing launch events to it. */
async function relayToNewTopic() {
  const topic = uniqueName("launches");
  await admin.createTopic(topic);
  const sink = await collectEvents(admin, topic);
  const relay = await startTestRelay({ dsn: tdb.dsn, emulatorHost: emu.host, projectId: emu.projectId, topics: { launch: topic } });
  cleanups.push(
    () => sink.close(),
    () => relay.stop(),
  );
  return { topic, sink };
}

/** The outbox rows of a launch in commit order, with what the attributes must say. */
const outboxOf = async (launchId: string) =>
  (
    await handle.pool.query<{ id: string; event_type: string; created_at: Date }>(
      "select id, event_type, created_at from outbox where aggregate_id = $1 order by seq",
      [launchId],
    )
  ).rows;

function assertEnvelope(event: ReceivedEvent, row: { id: string; event_type: string; created_at: Date }, launchId: string) {
  assert.equal(event.orderingKey, launchId);
  assert.deepEqual(event.attributes, {
    event_id: row.id,
    event_type: row.event_type,
    "ce-id": row.id,
    "ce-type": row.event_type,
    "ce-source": `/spacet/launch/${launchId}`,
    "ce-specversion": "1.0",
    "ce-time": row.created_at.toISOString(),
    "content-type": "application/json",
  });
}

/** The body decodes strictly (no unknown fields) into exactly the expected message. */
function assertBody<D extends DescMessage>(event: ReceivedEvent, schema: D, expected: MessageInitShape<D>) {
  assert.equal(event.eventType, schema.typeName);
  const actual = fromJsonString(schema, event.data);
  const want = create(schema, expected);
  assert.ok(equals(schema, actual, want), `${schema.typeName}: got ${event.data}`);
}

describe("outbox relay → Pub/Sub", () => {
  it("delivers bookings created and cancelled by the customer exactly as defined, woken by the commit", async () => {
    const { sink } = await relayToNewTopic(); // polls only hourly: a prompt delivery proves the NOTIFY wake-up
    const ann = await uc.createBooking(bookingRequest({ launchpadId: PADS.cape, launchDate: "2049-07-01", firstName: "Ann" }));
    const started = performance.now();
    await sink.waitFor(() => sink.events.length === 1, "BookingCreated", 5_000);
    const firstLatencyMs = performance.now() - started;
    const ben = await uc.createBooking(bookingRequest({ launchpadId: PADS.cape, launchDate: "2049-07-01", firstName: "Ben" }));
    await uc.cancelBooking(ann.id);
    await uc.cancelBooking(ben.id); // the last seat: LaunchCancelled follows
    await sink.waitFor(() => sink.events.length === 5, "five events");

    const launchId = ann.launchId;
    const rows = await outboxOf(launchId);
    assert.deepEqual(
      sink.events.map((e) => e.eventId),
      rows.map((r) => r.id),
      "every event once, in commit order",
    );
    sink.events.forEach((e, i) => assertEnvelope(e, rows[i], launchId));
    const [annC, benC] = [await uc.getBooking(ann.id), await uc.getBooking(ben.id)];
    const common = { launchId, launchpadId: PADS.cape, destination: Destination.MARS, launchDate: "2049-07-01" };
    assertBody(sink.events[0], BookingCreatedSchema, {
      ...common,
      bookingId: ann.id,
      createTime: timestampFromDate(ann.createdAt),
      bookedSeats: 1,
      capacity: 5,
    });
    assertBody(sink.events[1], BookingCreatedSchema, {
      ...common,
      bookingId: ben.id,
      createTime: timestampFromDate(ben.createdAt),
      bookedSeats: 2,
      capacity: 5,
    });
    assertBody(sink.events[2], BookingCancelledSchema, {
      ...common,
      bookingId: ann.id,
      reason: CancellationReason.CUSTOMER_REQUEST,
      cancelTime: timestampFromDate(NOW),
    });
    assertBody(sink.events[3], BookingCancelledSchema, {
      ...common,
      bookingId: ben.id,
      reason: CancellationReason.CUSTOMER_REQUEST,
      cancelTime: timestampFromDate(NOW),
    });
    assertBody(sink.events[4], LaunchCancelledSchema, { ...common, reason: LaunchCancelReason.NO_PASSENGERS, cancelTime: timestampFromDate(NOW) });
    assert.equal(annC.status, "cancelled");
    assert.equal(benC.status, "cancelled");
    assert.ok(firstLatencyMs < 2_000, `first event after ${Math.round(firstLatencyMs)} ms`);
    assert.equal(sink.duplicates(), 0);
  });

  it("delivers the SpaceX sync's cancellations with the reason and the SpaceX launch id", async () => {
    const { sink } = await relayToNewTopic();
    const cy = await uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-07-06", firstName: "Cy" }));
    const di = await uc.createBooking(bookingRequest({ launchpadId: PADS.kennedy, launchDate: "2049-07-06", firstName: "Di" }));
    const sync = createSpacexSync({
      db: handle.db,
      settings: syncSettings("http://127.0.0.1:9"),
      log: silentLog,
      clock: () => NOW,
      provider: {
        listUpcomingLaunches: async () => [
          { id: SPACEX_LAUNCH, name: "Starlink", flightNumber: 7, launchpadId: PADS.kennedy, dateUtc: new Date("2049-07-06T14:00:00Z"), datePrecision: "hour" },
        ],
        listLaunchpads: async () => [],
      },
    });
    const outcome = await sync.syncSpacexLaunches({ trigger: "manual", force: true });
    assert.equal(outcome.kind, "ran");
    await sink.waitFor(() => sink.events.length === 5, "two created, two cancelled, one launch cancelled");

    const launchId = cy.launchId;
    const rows = await outboxOf(launchId);
    assert.deepEqual(
      sink.events.map((e) => e.eventId),
      rows.map((r) => r.id),
    );
    sink.events.forEach((e, i) => assertEnvelope(e, rows[i], launchId));
    const common = { launchId, launchpadId: PADS.kennedy, destination: Destination.MARS, launchDate: "2049-07-06" };
    const cancelled = { ...common, reason: CancellationReason.SPACEX_CONFLICT, spacexLaunchId: SPACEX_LAUNCH, cancelTime: timestampFromDate(NOW) };
    const cancelledIds = [sink.events[2], sink.events[3]].map((e) => fromJsonString(BookingCancelledSchema, e.data).bookingId).sort();
    assert.deepEqual(cancelledIds, [cy.id, di.id].sort());
    for (const e of [sink.events[2], sink.events[3]])
      assertBody(e, BookingCancelledSchema, { ...cancelled, bookingId: fromJsonString(BookingCancelledSchema, e.data).bookingId });
    assertBody(sink.events[4], LaunchCancelledSchema, {
      ...common,
      reason: LaunchCancelReason.SPACEX_CONFLICT,
      spacexLaunchId: SPACEX_LAUNCH,
      cancelTime: timestampFromDate(NOW),
    });
  });

  it("backs a failing aggregate off exponentially without holding the others back, then delivers it in order", async () => {
    const launches = uniqueName("launches");
    const flights = uniqueName("flights"); // not created yet: every publish to it fails with NOT_FOUND
    await admin.createTopic(launches);
    const launchSink = await collectEvents(admin, launches);
    const registry = new Registry();
    const relayOptions = {
      dsn: tdb.dsn,
      emulatorHost: emu.host,
      projectId: emu.projectId,
      topics: { launch: launches, flight: flights },
      backoff: { firstMs: 100, maxMs: 800 },
      events: createSpacetMetrics(registry).outboxEvents,
    };
    const relay = await startTestRelay(relayOptions);
    cleanups.push(
      () => launchSink.close(),
      () => relay.stop(),
    );

    const flightIds = await insertEvents(
      handle.pool,
      [1, 2, 3].map((n) => ({ aggregateType: "flight", aggregateId: "flight-1", n })),
    );
    await insertEvents(
      handle.pool,
      [1, 2, 3].map((n) => ({ aggregateId: "launch-1", n })),
    );
    await launchSink.waitFor(() => launchSink.events.length === 3, "the healthy aggregate's events");

    const head = async () =>
      (
        await handle.pool.query<{ attempts: number; last_error: string | null; published_at: Date | null; wait_ms: number }>(
          "select attempts, last_error, published_at, extract(epoch from next_attempt_at - now()) * 1000 as wait_ms from outbox where id = $1",
          [flightIds[0]],
        )
      ).rows[0];
    const attemptsSeen = new Map<number, number>(); // attempts → wait right after that failure
    const deadline = Date.now() + 10_000;
    while (!attemptsSeen.has(4) && Date.now() < deadline) {
      const h = await head();
      if (h.attempts > 0 && !attemptsSeen.has(h.attempts)) attemptsSeen.set(h.attempts, h.wait_ms);
      await new Promise((r) => setTimeout(r, 5));
    }
    const h = await head();
    assert.ok(h.attempts >= 4, `attempts ${h.attempts}`);
    assert.match(h.last_error ?? "", /code 5: .*NOT_FOUND/);
    assert.equal(h.published_at, null);
    const behind = await handle.pool.query<{ attempts: number }>("select attempts from outbox where id = any($1) order by seq", [flightIds.slice(1)]);
    assert.deepEqual(
      behind.rows.map((r) => r.attempts),
      [0, 0],
      "only the head records attempts",
    );
    // Equal jitter: after failure k the wait lies in [d/2, d], d = 100 ms · 2^(k−1) capped at 800 ms.
    for (const [k, waitMs] of attemptsSeen) {
      const d = Math.min(100 * 2 ** (k - 1), 800);
      assert.ok(waitMs <= d + 5, `wait ${Math.round(waitMs)} ms after failure ${k} exceeds ${d} ms`);
    }

    // Fix the cause with no relay running, so nothing is published before the subscription exists.
    await relay.stop();
    await admin.createTopic(flights);
    const flightSink = await collectEvents(admin, flights);
    const next = await startTestRelay(relayOptions);
    cleanups.push(
      () => flightSink.close(),
      () => next.stop(),
    );
    await flightSink.waitFor(() => flightSink.events.length === 3, "the recovered aggregate's events", 10_000);
    assert.deepEqual(
      flightSink.events.map((e) => e.eventId),
      flightIds,
      "in commit order once it recovers",
    );

    const counted = async (result: string) =>
      sampleValue(parsePrometheusText(await registry.metrics()), "spacet_outbox_events_published_total", { event_type: "test.Event", result });
    assert.equal(await counted("published"), 6, "each event counted once, when Pub/Sub acknowledged it");
    const failed = (await counted("failed")) ?? 0;
    assert.ok(failed >= 4, `every failed attempt counted: ${failed}`);
  });

  it("tries a backed-off aggregate again when it comes due, even if it came due while the relay was deciding how long to sleep", async () => {
    // A slow moment (a busy event loop, a slow statement) between the claim that found nothing
    // due and the relay's decision to sleep must not turn a 100 ms backoff into the poll interval.
    const [head] = await insertEvents(handle.pool, [{ aggregateId: "launch-late", n: 1 }]);
    const state = async () =>
      (await handle.pool.query<{ attempts: number; due: boolean }>("select attempts, next_attempt_at <= now() as due from outbox where id = $1", [head]))
        .rows[0];
    let heldBack = false;
    const relay = await startTestRelay({
      dsn: tdb.dsn,
      emulatorHost: emu.host,
      projectId: emu.projectId,
      topics: { launch: uniqueName("unused") },
      backoff: { firstMs: 100, maxMs: 100 },
      observe: {
        publisher: (publisher) => ({
          deadlineMs: publisher.deadlineMs,
          resumePublishing: () => undefined,
          publish: async () => {
            throw Object.assign(new Error("14 UNAVAILABLE: the broker is away"), { code: 14 });
          },
        }),
        store: (store) => ({
          ...store,
          async claim(req) {
            const lease = await store.claim(req);
            if (!heldBack && lease.aggregates.length === 0 && (await state()).attempts === 1) {
              // The first claim after the failure found the head backing off: hand the answer
              // back only once the head is due.
              heldBack = true;
              while (!(await state()).due) await new Promise((r) => setImmediate(r));
            }
            return lease;
          },
        }),
      },
    });
    cleanups.push(() => relay.stop());
    const deadline = Date.now() + 5_000;
    while ((await state()).attempts < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(heldBack, "the claim after the failure was held back until the head was due");
    assert.ok((await state()).attempts >= 2, `attempts ${(await state()).attempts}: the relay slept through the retry`);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromJsonString } from "@bufbuild/protobuf";
import type { PubSub } from "@google-cloud/pubsub";
import pg from "pg";
import { BookingCreatedSchema } from "../gen/spacet/events/v1/launch_events_pb.js";
import { collectEvents, type TestEmulator, testEmulator, uniqueName } from "../internal/testkit/pubsub-env.js";
import { createPubsubClient } from "../internal/infra/outbox/pubsub-client.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase, toleratingDrop } from "../internal/testkit/postgres.js";
import { spawnScript } from "../internal/testkit/processes.js";
import { sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { waitUntil } from "../internal/testkit/wait-until.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";

let db: TestDatabase;
let pool: pg.Pool;
let emu: TestEmulator;
let admin: PubSub;

before(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), testEmulator()]);
  pool = toleratingDrop(new pg.Pool({ connectionString: db.dsn, max: 2 }));
  admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
});
after(async () => {
  await admin.close();
  await pool.end();
  await Promise.all([db.drop(), emu.release()]);
});

/** POST /v1/bookings as a customer would; returns the ticket id. */
async function book(httpUrl: string, launchDate: string): Promise<string> {
  const res = await fetch(`${httpUrl}/v1/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      firstName: "Ada",
      lastName: "Lovelace",
      gender: "female",
      birthday: "1990-12-10",
      launchpadId: PADS.cape,
      destination: "mars",
      launchDate,
    }),
  });
  const body = (await res.json()) as { booking?: { ticketId: string } };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.booking?.ticketId ?? "";
}
const liveness = async (httpUrl: string) => (await (await fetch(`${httpUrl}/liveness`)).json()) as { status: string; checks: Record<string, { ok: boolean }> };
const relaySessions = async () =>
  (
    await pool.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like '%outbox-relay'",
    )
  ).rows[0].n;

describe("the service and its outbox relay", () => {
  it("publishes a booking made over REST (book → event) and reports Pub/Sub in /liveness", async () => {
    const topic = uniqueName("launches");
    await admin.createTopic(topic);
    const sink = await collectEvents(admin, topic);
    const service = await startServiceProcess({
      dsn: db.dsn,
      env: { PUBSUB_ENABLED: "true", PUBSUB_EMULATOR_HOST: emu.host, PUBSUB_PROJECT_ID: emu.projectId, PUBSUB_LAUNCHES_TOPIC: topic },
    });
    try {
      const ticketId = await book(service.httpUrl, "2049-08-01");
      await sink.waitFor(() => sink.events.length === 1, "the BookingCreated event", 10_000);
      const event = sink.events[0];
      assert.equal(event.eventType, "spacet.events.v1.BookingCreated");
      assert.equal(fromJsonString(BookingCreatedSchema, event.data).bookingId, ticketId);
      const live = await liveness(service.httpUrl);
      assert.deepEqual([live.status, live.checks.pubsub?.ok, live.checks.database?.ok], ["healthy", true, true]);
      // The relay marks the event after Pub/Sub's acknowledgement (which the sink already saw).
      await waitUntil("the backlog is empty", async () => sampleValue(await scrape(service.httpUrl), "spacet_outbox_backlog") === 0);
      const published = { event_type: "spacet.events.v1.BookingCreated", result: "published" };
      assert.equal(sampleValue(await scrape(service.httpUrl), "spacet_outbox_events_published_total", published), 1);
    } finally {
      assert.equal(await service.stop(), 0, "SIGTERM: the relay finishes its batch, exit 0");
      await sink.close();
    }
    assert.equal(await relaySessions(), 0, "the relay closed its session on shutdown");
  });

  it("keeps events in the outbox while Pub/Sub is disabled, and a relay started later sends them", async () => {
    const topic = uniqueName("launches");
    const service = await startServiceProcess({ dsn: db.dsn, env: { PUBSUB_ENABLED: "false", PUBSUB_LAUNCHES_TOPIC: topic } });
    let ticketId: string;
    try {
      ticketId = await book(service.httpUrl, "2049-08-02");
      assert.equal(await relaySessions(), 0, "no relay runs");
      const live = await liveness(service.httpUrl);
      assert.equal(live.checks.pubsub, undefined, "Pub/Sub is no dependency when disabled");
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null and payload->>'bookingId' = $1", [
        ticketId,
      ]);
      assert.equal(rows[0].n, 1, "the event waits in the outbox");
    } finally {
      assert.equal(await service.stop(), 0);
    }

    await admin.createTopic(topic);
    const sink = await collectEvents(admin, topic);
    const relay = spawnScript("cmd/relay.ts", {
      env: { PG_DSN: db.dsn, PUBSUB_ENABLED: "true", PUBSUB_EMULATOR_HOST: emu.host, PUBSUB_PROJECT_ID: emu.projectId, PUBSUB_LAUNCHES_TOPIC: topic },
    });
    try {
      await sink.waitFor(() => sink.events.some((e) => fromJsonString(BookingCreatedSchema, e.data).bookingId === ticketId), "the waiting event", 15_000);
    } finally {
      relay.kill("SIGTERM");
      assert.equal((await relay.exited).code, 0);
      await sink.close();
    }
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DescMessage, fromJsonString } from "@bufbuild/protobuf";
import type { PubSub } from "@google-cloud/pubsub";
import * as flightEvents from "../gen/spacet/events/v1/flight_events_pb.js";
import { createPubsubClient } from "../internal/infra/outbox/pubsub-client.js";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { collectEvents, type TestEmulator, testEmulator, uniqueName } from "../internal/testkit/pubsub-env.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";

let db: TestDatabase;
let handle: DatabaseHandle;
let emu: TestEmulator;
let admin: PubSub;
let service: ServiceProcess;
const topics = { flights: uniqueName("flights"), launches: uniqueName("launches") };

before(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), testEmulator()]);
  handle = openDatabase({ dsn: db.dsn, poolMax: 2 });
  admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
  await Promise.all([admin.createTopic(topics.flights), admin.createTopic(topics.launches)]);
});
after(async () => {
  assert.equal(await service?.stop(), 0);
  await admin.close();
  await handle.close();
  await Promise.all([db.drop(), emu.release()]);
});

async function call(path: string, body: unknown, auth: { authorization: string }) {
  const res = await fetch(`${service.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(json)}`);
  return json;
}

describe("flight events on Pub/Sub", () => {
  it("reach PUBSUB_FLIGHTS_TOPIC in commit order with the flight id as ordering key, and decode as their messages", async () => {
    const [flightSink, launchSink] = await Promise.all([collectEvents(admin, topics.flights), collectEvents(admin, topics.launches)]);
    service = await startServiceProcess({
      dsn: db.dsn,
      env: {
        PUBSUB_ENABLED: "true",
        PUBSUB_EMULATOR_HOST: emu.host,
        PUBSUB_PROJECT_ID: emu.projectId,
        PUBSUB_FLIGHTS_TOPIC: topics.flights,
        PUBSUB_LAUNCHES_TOPIC: topics.launches,
      },
    });
    try {
      const [operator, ada, bob] = await Promise.all(
        (["operator", "user", "user"] as const).map(async (role) => bearer(await mintTestToken(await insertUser(handle.db, role)))),
      );
      const plan = flightPlan({ capacity: { window: 1, aisle: 1, middle: 0 }, offerDurationMs: 86_400_000 });
      const { flight } = await call("/v1/flights", createFlightJson(plan), operator);
      const id = flight.flightId as string;
      const { booking } = await call(`/v1/flights/${id}/bookings`, { seats: [{ seatClass: "window", count: 1 }] }, ada);
      await call(`/v1/flights/${id}/bookings`, { seats: [{ seatClass: "aisle", count: 1 }] }, bob);
      await call(`/v1/flight-bookings/${booking.bookingId}:cancel`, {}, ada);
      await call(`/v1/flights/${id}:updateStatus`, { operationalStatus: "on_time" }, operator);
      await call(`/v1/flights/${id}:cancel`, {}, operator);

      const expected = [
        "FlightCreated",
        "FlightBookingConfirmed",
        "FlightAvailabilityChanged",
        "FlightBookingConfirmed",
        "FlightAvailabilityChanged",
        "FlightClosed",
        "FlightBookingCancelled",
        "FlightAvailabilityChanged",
        "FlightReopened",
        "FlightStatusChanged",
        "FlightBookingCancelled",
        "FlightCancelled",
      ];
      await flightSink.waitFor(() => flightSink.events.length >= expected.length, "every flight event", 20_000);
      const events = flightSink.byKey().get(id) ?? [];
      assert.deepEqual(
        events.map((e) => e.eventType),
        expected.map((t) => `spacet.events.v1.${t}`),
      );
      assert.equal(flightSink.events.length, expected.length, "all of them under the flight's ordering key");
      for (const e of events) {
        const schema = (flightEvents as unknown as Record<string, DescMessage>)[`${e.eventType.slice("spacet.events.v1.".length)}Schema`];
        const message = fromJsonString(schema, e.data) as unknown as { flightId: string };
        assert.equal(message.flightId, id, e.eventType);
        assert.equal(e.attributes["ce-type"], e.eventType);
      }
      const versions = events
        .map((e) => JSON.parse(e.data) as { availability?: { version: string }; flightVersion?: string; version?: string })
        .map((p) => Number(p.availability?.version ?? p.flightVersion ?? p.version));
      assert.deepEqual(versions, [1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6], "each change's version, in order");
      assert.equal(launchSink.events.length, 0, "nothing on the launches topic");
    } finally {
      await Promise.all([flightSink.close(), launchSink.close()]);
    }
  });
});

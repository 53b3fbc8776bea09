import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { FlightChangeFeed } from "../../../app/flight/ports.js";
import { type Flight, scheduleFlight } from "../../../domain/flight/flight.js";
import { flightPlan } from "../../../testkit/flight-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../testkit/postgres.js";
import { waitUntil } from "../../../testkit/wait-until.js";
import { type DatabaseHandle, openDatabase } from "../db.js";
import { createFlightChangeListener } from "./flight-change-listener.js";
import { createFlightChangeNotifier } from "./flight-change-notifier.js";
import { createFlightRepository } from "./flight-repository.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let tdb: TestDatabase;
let handle: DatabaseHandle;
let feed: FlightChangeFeed;
const heard: string[] = [];
let resyncs = 0;

before(async () => {
  tdb = await createTestDatabase();
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 3 });
  feed = createFlightChangeListener({ dsn: tdb.dsn, applicationName: "flight-changes-test", reconnectDelayMs: () => 50, log: quiet });
  feed.start({ changed: (id, version) => heard.push(`${id}:${version}`), resync: () => resyncs++ });
  await waitUntil("the listener is connected", async () => resyncs === 1);
});
after(async () => {
  await feed.close();
  await handle.close();
  await tdb.drop();
});

async function newFlight(): Promise<Flight> {
  const flight = scheduleFlight(flightPlan(), randomUUID(), new Date());
  await createFlightRepository(handle.db).insert(flight);
  return flight;
}

describe("flight change notifier and listener", () => {
  it("announces each flight once per round with its version as committed, however often it was named", async () => {
    const [f1, f2] = [await newFlight(), await newFlight()];
    await sql`update flights set version = 7 where id = ${f2.id}`.execute(handle.db);
    const notifier = createFlightChangeNotifier(handle.db, quiet);
    heard.length = 0;
    notifier.changed([f1.id]);
    notifier.changed([f2.id, f1.id]);
    notifier.changed([f1.id]);
    await notifier.flush();
    await waitUntil("both announcements", async () => heard.length >= 2);
    assert.deepEqual([...heard].sort(), [`${f1.id}:1`, `${f2.id}:7`].sort());
  });

  it("ignores payloads on its channel that are not flight_id:version", async () => {
    const flight = await newFlight();
    heard.length = 0;
    await sql`select pg_notify('spacet_flight_changes', 'hello'), pg_notify('spacet_flight_changes', ${`${flight.id}:2`})`.execute(handle.db);
    await waitUntil("the well-formed one", async () => heard.length === 1);
    assert.deepEqual(heard, [`${flight.id}:2`]);
  });

  it("reconnects after its backend is terminated and asks for a resync", async () => {
    const before = resyncs;
    const { rows } = await sql<{
      killed: boolean;
    }>`select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'flight-changes-test'`.execute(handle.db);
    assert.deepEqual(rows, [{ killed: true }]);
    await waitUntil("the resync", async () => resyncs === before + 1);
    const flight = await newFlight();
    heard.length = 0;
    await sql`select pg_notify('spacet_flight_changes', ${`${flight.id}:1`})`.execute(handle.db);
    await waitUntil("an announcement on the new connection", async () => heard.length === 1);
  });
});

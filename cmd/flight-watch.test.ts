import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { sql } from "kysely";
import { FlightBookingService } from "../gen/spacet/v1/flight_booking_pb.js";
import { type Flight, FlightService, FlightStatus, SeatClass } from "../gen/spacet/v1/flight_pb.js";
import { type DatabaseHandle, openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightRequest, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { sampleValue, scrape } from "../internal/testkit/prometheus-text.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

let db: TestDatabase;
let handle: DatabaseHandle;
/** A serves the watchers; B makes the changes: every change crosses replicas. */
let a: ServiceProcess;
let b: ServiceProcess;
let operator: { headers: { authorization: string } };
let user: { headers: { authorization: string } };

before(async () => {
  db = await createTestDatabase();
  handle = openDatabase({ dsn: db.dsn, poolMax: 3 });
  // A's own application name, so its LISTEN connection can be told from B's in pg_stat_activity.
  [a, b] = await Promise.all([startServiceProcess({ dsn: db.dsn, env: { APP_NAME: "spacet-a" } }), startServiceProcess({ dsn: db.dsn })]);
  operator = { headers: bearer(await mintTestToken(await insertUser(handle.db, "operator"))) };
  user = { headers: bearer(await mintTestToken(await insertUser(handle.db))) };
});
after(async () => {
  await Promise.all([a, b].map((r) => r?.stop()));
  await handle?.close();
  await db?.drop();
});

const grpc = (r: ServiceProcess) => createGrpcTransport({ baseUrl: r.grpcUrl });

async function createFlight(capacity: { window: number; aisle: number; middle: number }): Promise<string> {
  const { flight } = await createClient(FlightService, grpc(b)).createFlight(createFlightRequest(flightPlan({ capacity })), operator);
  return flight?.flightId ?? "";
}

const bookWindow = (flightId: string, count = 1) =>
  createClient(FlightBookingService, grpc(b)).bookFlight({ flightId, seats: [{ seatClass: SeatClass.WINDOW, count }] }, user);

/** One client's WatchFlight: what it received (and when), and how it ended (undefined: OK). */
function watch(transport: Transport, flightId: string) {
  const abort = new AbortController();
  const messages: { flight: Flight; at: number }[] = [];
  const ended = (async (): Promise<ConnectError | undefined> => {
    try {
      for await (const m of createClient(FlightService, transport).watchFlight({ flightId }, { signal: abort.signal })) {
        if (m.flight) messages.push({ flight: m.flight, at: Date.now() });
      }
      return undefined;
    } catch (e) {
      return ConnectError.from(e);
    }
  })();
  return { messages, ended, cancel: () => abort.abort(), versions: () => messages.map((m) => Number(m.flight.version)) };
}
type Watch = ReturnType<typeof watch>;

const metric = async (r: ServiceProcess, name: string) => sampleValue(await scrape(r.httpUrl), name) ?? Number.NaN;

describe("WatchFlight across replicas", () => {
  it("sends the flight first, then a booking made on another replica within a second, over gRPC, Connect and gRPC-Web", async () => {
    const flightId = await createFlight({ window: 5, aisle: 0, middle: 0 });
    const watches = [
      watch(grpc(a), flightId),
      watch(createConnectTransport({ baseUrl: a.httpUrl, httpVersion: "1.1", useBinaryFormat: false }), flightId),
      watch(createGrpcWebTransport({ baseUrl: a.httpUrl, httpVersion: "1.1" }), flightId),
    ];
    await waitUntil("every watcher has the snapshot", async () => watches.every((w) => w.messages.length === 1));
    for (const w of watches) assert.deepEqual([w.versions(), w.messages[0].flight.seats.find((s) => s.seatClass === SeatClass.WINDOW)?.available], [[1], 5]);

    const booked = Date.now();
    await bookWindow(flightId, 2);
    await waitUntil("every watcher has the booking", async () => watches.every((w) => w.messages.length === 2));
    for (const w of watches) {
      const [, change] = w.messages;
      assert.deepEqual([w.versions(), change.flight.seats.find((s) => s.seatClass === SeatClass.WINDOW)?.available], [[1, 2], 3]);
      assert.ok(change.at - booked < 1_000, `arrived ${change.at - booked} ms after the booking was sent`);
    }
    for (const w of watches) w.cancel();
    assert.deepEqual(
      (await Promise.all(watches.map((w) => w.ended))).map((e) => e?.code),
      [Code.Canceled, Code.Canceled, Code.Canceled],
    );
  });

  it("answers NOT_FOUND for a flight nobody scheduled and INVALID_ARGUMENT for a bad id", async () => {
    const unknown = watch(grpc(a), "7b0d3c4e-2a51-4f0e-9a43-6f3c2d1b0a99");
    const bad = watch(grpc(a), "not-a-uuid");
    assert.deepEqual([(await unknown.ended)?.code, (await bad.ended)?.code], [Code.NotFound, Code.InvalidArgument]);
    assert.deepEqual([unknown.messages, bad.messages], [[], []]);
  });

  it("reads every watched flight again after its LISTEN connection is killed: no final state is missed", async () => {
    const flightId = await createFlight({ window: 1, aisle: 0, middle: 0 });
    const w = watch(grpc(a), flightId);
    await waitUntil("the snapshot", async () => w.messages.length === 1);

    // Sold out while A's listener is down (or coming back): the booking is announced to no one
    // on A, or to the new connection; either way the client ends up with it.
    const [{ rows }] = await Promise.all([
      sql<{ killed: boolean }>`select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'spacet-a-flight-watch'`.execute(
        handle.db,
      ),
      bookWindow(flightId),
    ]);
    assert.deepEqual(rows, [{ killed: true }]);
    await waitUntil("the sold-out flight", async () => w.messages.at(-1)?.flight.status === FlightStatus.CLOSED);

    // A change nobody announces at all (as if the announcement was lost with the connection):
    // only the resync after the next reconnect can deliver it, and it is final.
    await waitUntil("A listens again", async () => (await listeners("spacet-a-flight-watch")) === 1);
    await sql`update flights set status = 'cancelled', close_reason = null, version = version + 1 where id = ${flightId}`.execute(handle.db);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'spacet-a-flight-watch'`.execute(handle.db);
    assert.equal(await w.ended, undefined, "the stream ends OK on the final state");
    assert.equal(w.messages.at(-1)?.flight.status, FlightStatus.CANCELLED);
    assert.deepEqual(
      w.versions(),
      [...w.versions()].sort((x, y) => x - y),
      "versions only grow",
    );
    await a.process.waitForLine(/flight change listener reconnected/, 5_000); // on its own pipe, maybe behind the stream
  });

  it("serves 1,000 watchers of one flight with one read per change, refuses the 1,001st, frees a cancelled slot, ends every stream OK when the flight is cancelled", async () => {
    const flightId = await createFlight({ window: 10, aisle: 0, middle: 0 });
    // Each connection takes at most 100 streams (SETTINGS_MAX_CONCURRENT_STREAMS): 20 of them.
    const transports = Array.from({ length: 20 }, () => grpc(a));
    const watches: Watch[] = Array.from({ length: 1_000 }, (_, i) => watch(transports[i % 20], flightId));
    await waitUntil("1,000 snapshots", async () => watches.every((w) => w.messages.length === 1), 30_000);
    assert.equal(await metric(a, "spacet_flight_watch_streams"), 1_000);

    const extra = watch(grpc(a), flightId);
    const refused = await extra.ended;
    assert.equal(refused?.code, Code.ResourceExhausted, refused?.message);

    const [reads, sent] = [await metric(a, "spacet_flight_watch_reads_total"), await metric(a, "spacet_flight_watch_messages_total")];
    await bookWindow(flightId);
    await waitUntil("1,000 watchers have the booking", async () => watches.every((w) => w.messages.length === 2), 30_000);
    assert.deepEqual(
      [(await metric(a, "spacet_flight_watch_reads_total")) - reads, (await metric(a, "spacet_flight_watch_messages_total")) - sent],
      [1, 1_000],
      "one read on A for the change, one message per watcher",
    );

    watches[0].cancel();
    assert.equal((await watches[0].ended)?.code, Code.Canceled);
    await waitUntil("the slot is free", async () => (await metric(a, "spacet_flight_watch_streams")) === 999);
    const late = watch(grpc(a), flightId);
    await waitUntil("the late watcher's snapshot", async () => late.messages.length === 1);
    assert.deepEqual(late.versions(), [2]);

    await createClient(FlightService, grpc(b)).cancelFlight({ flightId }, operator);
    const ends = await Promise.all([...watches.slice(1), late].map((w) => w.ended));
    assert.deepEqual(
      ends.filter((e) => e !== undefined).map((e) => e?.code),
      [],
      "every stream ended OK",
    );
    assert.ok([...watches.slice(1), late].every((w) => w.messages.at(-1)?.flight.status === FlightStatus.CANCELLED));
    await waitUntil("no stream open", async () => (await metric(a, "spacet_flight_watch_streams")) === 0);
  });

  it("ends open streams with UNAVAILABLE on SIGTERM and exits 0 well within the shutdown grace", async () => {
    const flightId = await createFlight({ window: 3, aisle: 0, middle: 0 });
    const watches = [watch(grpc(a), flightId), watch(createConnectTransport({ baseUrl: a.httpUrl, httpVersion: "2" }), flightId)];
    await waitUntil("the snapshots", async () => watches.every((w) => w.messages.length === 1));
    const started = Date.now();
    const code = await a.stop();
    const took = Date.now() - started;
    assert.deepEqual(
      (await Promise.all(watches.map((w) => w.ended))).map((e) => e?.code),
      [Code.Unavailable, Code.Unavailable],
    );
    assert.equal(code, 0, a.process.stderr());
    // SHUTDOWN_GRACE is 20 s: a drain waiting for the streams would take that long.
    assert.ok(took < 5_000, `stopped in ${took} ms`);
    // Killed listeners, refused and ended streams: none of it is an error worth a page.
    const errorLines = (r: ServiceProcess) =>
      r.process
        .stdout()
        .split("\n")
        .filter((l) => /"level":(5|6)\d/.test(l));
    assert.deepEqual([a, b].flatMap(errorLines), [], "no replica logged an error");
  });
});

async function listeners(applicationName: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_stat_activity where application_name = ${applicationName} and query ilike 'listen%'`.execute(handle.db);
  return rows[0].n;
}

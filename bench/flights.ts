/**
 * Flight bench (`npm run bench -- flights`): BookFlight through the real gRPC server (its own
 * process, compiled, as the image runs it) against the best naive raw-SQL loop for the same work,
 * in the same run, on the same database, at the same concurrency: one autocommit call of the same
 * single-booking statement (book_flight_seats with one request, a named prepared statement) per
 * booking. Two shapes: one hot flight (every booking on one row: its lock and commit are the
 * bottleneck, which the service's per-flight batching attacks) and 1,000 flights (no
 * contention). Raw SQL and gRPC take turns in chunks; after every figure the seats are checked
 * (oversold must be 0). Besides throughput, the CPU each party spent per booking.
 * BENCH_CPU_PROF=<dir> runs the service with `node --cpu-prof` and leaves its profile there.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { FlightBookingService } from "../gen/spacet/v1/flight_booking_pb.js";
import { FlightService, SeatClass } from "../gen/spacet/v1/flight_pb.js";
import type { Principal } from "../internal/domain/identity/principal.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightRequest, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";
import { type CpuMs, cpuLine, measureCpu } from "./cpu.js";
import { createGrpcLoadClient } from "./grpc-load-client.js";
import { buildDist, PRODUCTION_SERVER } from "./production-server.js";
import { combineRuns, fmt, line, measure, type RunStats } from "./stats.js";

const POOL_MAX = 10;
const LEVELS = [8, 32];
const PER_LEVEL = 3_000;
/** Each side's bookings per level come in this many chunks, taking turns with the other side. */
const CHUNKS = 6;
/** A hot flight takes one chunk: fewer than its 3,000 seats (1,000 per class), so it never sells out. */
const PER_CHUNK = PER_LEVEL / CHUNKS;
const WARM_UP = 2_000;
const SPREAD_FLIGHTS = 1_000;
const TARGETS: Record<number, number> = { 8: 0.6, 32: 1.0 };
const CLASSES = [SeatClass.WINDOW, SeatClass.AISLE, SeatClass.MIDDLE];

/** The raw loop's statement: the service's own call with one request, prepared once per connection. */
const RAW_BOOK = {
  name: "bench-book-flight-seats",
  text: `select outcome from book_flight_seats($1::uuid, array[$2]::uuid[], array[$3]::uuid[], array[$4]::text[], array[null]::uuid[],
           array[$5]::integer[], array[$6]::integer[], array[$7]::integer[], '2000ms')`,
};

/** One side of a figure (raw SQL or gRPC): how it books, its runs, the CPU they took, the flights they used. */
interface Side {
  readonly call: (flightOf: (i: number) => string) => (i: number) => Promise<void>;
  readonly runs: RunStats[];
  cpu: CpuMs;
  flights: readonly string[];
}

/** Runs the flight bench on a fresh database and prints its figures. */
export async function runFlightsBench(): Promise<void> {
  const db = await createTestDatabase();
  buildDist();
  const profileDir = process.env.BENCH_CPU_PROF;
  const service = await startServiceProcess({
    dsn: db.dsn,
    env: { ...PRODUCTION_SERVER.env, PG_POOL_MAX: String(POOL_MAX), LOG_LEVEL: "warn" },
    script: PRODUCTION_SERVER.script,
    nodeArgs: [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...PRODUCTION_SERVER.nodeArgs],
  });
  // The baseline's connections get the same size and session settings as the service's pool.
  const pool = new pg.Pool({ connectionString: db.dsn, max: POOL_MAX, options: "-c TimeZone=UTC -c lock_timeout=5s" });
  pool.on("error", () => undefined);
  const admin = openDatabase({ dsn: db.dsn, poolMax: 2 });
  const load = createGrpcLoadClient(`127.0.0.1:${service.grpcPort}`);
  try {
    const users: Principal[] = await Promise.all(Array.from({ length: 32 }, () => insertUser(admin.db)));
    const tokens = await Promise.all(users.map(async (u) => bearer(await mintTestToken(u))));
    const operator = bearer(await mintTestToken(await insertUser(admin.db, "operator")));
    const newFlight = async (): Promise<string> => {
      const plan = flightPlan({ capacity: { window: 1_000, aisle: 1_000, middle: 1_000 }, offerDurationMs: 86_400_000 });
      const { flight } = await load.call(FlightService.method.createFlight, createFlightRequest(plan), operator);
      return flight?.flightId ?? "";
    };
    const raw = (flightOf: (i: number) => string) => async (i: number) => {
      const user = users[i % users.length];
      const seats = CLASSES.map((_, c) => (c === i % 3 ? 1 : 0));
      const { rows } = await pool.query<{ outcome: string }>({ ...RAW_BOOK, values: [flightOf(i), randomUUID(), user.userId, user.username, ...seats] });
      if (rows[0]?.outcome !== "confirmed") throw new Error(`raw booking ${i}: ${rows[0]?.outcome}`);
    };
    const viaGrpc = (flightOf: (i: number) => string) => async (i: number) => {
      const seats = [{ seatClass: CLASSES[i % 3], count: 1 }];
      await load.call(FlightBookingService.method.bookFlight, { flightId: flightOf(i), seats }, tokens[i % tokens.length]);
    };
    const side = (call: Side["call"]): Side => ({ call, runs: [], cpu: { service: 0, postgres: 0, client: 0 }, flights: [] });

    // Warm up both paths (JIT, connections, plans) before measuring, each on a flight of its own.
    const [warmRaw, warmGrpc] = [await newFlight(), await newFlight()];
    await measure(
      WARM_UP,
      8,
      raw(() => warmRaw),
    );
    await measure(
      WARM_UP,
      8,
      viaGrpc(() => warmGrpc),
    );

    /** Both sides in alternating chunks; `flightFor(side, chunk)` says where a chunk books. */
    const duel = async (concurrency: number, flightFor: (s: Side, chunk: number) => Promise<(i: number) => string>) => {
      const sides = { raw: side(raw), grpc: side(viaGrpc) };
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        for (const s of chunk % 2 ? [sides.grpc, sides.raw] : [sides.raw, sides.grpc]) {
          const flightOf = await flightFor(s, chunk);
          const run = await measureCpu(pool, service.process.pid, () => measure(PER_CHUNK, concurrency, s.call(flightOf)));
          s.runs.push(run.stats);
          s.cpu = { service: s.cpu.service + run.cpuMs.service, postgres: s.cpu.postgres + run.cpuMs.postgres, client: s.cpu.client + run.cpuMs.client };
        }
      }
      return sides;
    };

    console.log(
      `\n== BookFlight on a hot flight: gRPC (batched per flight) vs one raw statement per booking (${PER_LEVEL} each per level, in ${CHUNKS} alternating chunks, a fresh hot flight per chunk; pool ${POOL_MAX})`,
    );
    for (const concurrency of LEVELS) {
      const sides = await duel(concurrency, async (s) => {
        const flight = await newFlight();
        s.flights = [...s.flights, flight];
        return () => flight;
      });
      await report(pool, concurrency, sides.raw, sides.grpc, TARGETS[concurrency]);
      const perCommit = async (s: Side) =>
        fmt((await Promise.all(s.flights.map((id) => bookingsPerCommit(pool, id)))).reduce((a, b) => a + b) / s.flights.length, 1);
      console.log(`bookings per commit on the hot flight: raw ${await perCommit(sides.raw)}, gRPC ${await perCommit(sides.grpc)}`);
    }

    console.log(`\n== BookFlight spread over ${SPREAD_FLIGHTS.toLocaleString("en")} flights (no contention)`);
    const spread = await Promise.all(Array.from({ length: SPREAD_FLIGHTS }, () => newFlight()));
    for (const concurrency of LEVELS) {
      const sides = await duel(concurrency, async (s, chunk) => {
        s.flights = spread;
        return (i) => spread[(chunk * PER_CHUNK + i) % SPREAD_FLIGHTS];
      });
      await report(pool, concurrency, sides.raw, sides.grpc, undefined);
    }
  } finally {
    load.close();
    await admin.close();
    await pool.end();
    await service.stop();
    await db.drop();
  }
}

/** Prints one figure: throughput, latency, the ratio, oversold seats and CPU per booking of both sides. */
async function report(pool: pg.Pool, concurrency: number, raw: Side, viaGrpc: Side, target: number | undefined) {
  const [rawStats, grpcStats] = [combineRuns(raw.runs), combineRuns(viaGrpc.runs)];
  const oversold = await oversoldSeats(pool, [...new Set([...raw.flights, ...viaGrpc.flights])]);
  const perBooking = (c: CpuMs): CpuMs => ({ service: c.service / PER_LEVEL, postgres: c.postgres / PER_LEVEL, client: c.client / PER_LEVEL });
  const total = (c: CpuMs) => c.service + c.postgres + c.client;
  console.log(line(`raw SQL, ${concurrency} clients`, rawStats));
  console.log(line(`gRPC BookFlight, ${concurrency} clients`, grpcStats));
  const goal = target === undefined ? "" : ` (target >= ${fmt(target, 1)})`;
  console.log(`ratio gRPC/raw throughput at ${concurrency} clients: ${fmt(grpcStats.perSecond / rawStats.perSecond, 2)}${goal}   oversold: ${oversold}`);
  console.log(`CPU ms per booking, raw SQL:  ${cpuLine(perBooking(raw.cpu), false)}`);
  console.log(`CPU ms per booking, gRPC:     ${cpuLine(perBooking(viaGrpc.cpu), true)}`);
  console.log(`ratio of total CPU per booking raw/gRPC at ${concurrency} clients: ${fmt(total(raw.cpu) / total(viaGrpc.cpu), 2)}`);
}

/** Bookings per transaction on a flight: rows inserted by one transaction share its xmin. */
async function bookingsPerCommit(pool: pg.Pool, flightId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number; commits: number }>(
    "select count(*)::int as n, count(distinct xmin::text)::int as commits from flight_bookings where flight_id = $1",
    [flightId],
  );
  return rows[0].n / Math.max(1, rows[0].commits);
}

/**
 * Seats sold beyond what the flights have (per class, the confirmed bookings' seats beyond
 * capacity): must be 0. A flight whose counters disagree with its confirmed bookings fails the
 * bench outright.
 */
async function oversoldSeats(pool: pg.Pool, flightIds: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ oversold: number; mismatched: number }>(
    `select coalesce(sum(greatest(s.w - f.window_capacity, 0) + greatest(s.a - f.aisle_capacity, 0) + greatest(s.m - f.middle_capacity, 0)), 0)::int as oversold,
            count(*) filter (where f.window_capacity - f.window_available <> s.w or f.aisle_capacity - f.aisle_available <> s.a
                                or f.middle_capacity - f.middle_available <> s.m)::int as mismatched
       from flights f
       cross join lateral (select coalesce(sum(window_seats), 0) as w, coalesce(sum(aisle_seats), 0) as a, coalesce(sum(middle_seats), 0) as m
                             from flight_bookings b where b.flight_id = f.id and b.status = 'confirmed') s
      where f.id = any($1::uuid[])`,
    [flightIds],
  );
  if (rows[0].mismatched > 0) throw new Error(`${rows[0].mismatched} flight(s) whose seat counters disagree with their bookings`);
  return rows[0].oversold;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runFlightsBench().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

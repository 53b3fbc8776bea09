/**
 * Flight bench (`npm run bench -- flights`): BookFlight through the real gRPC server (its own
 * process) against the best naive raw-SQL loop for the same work, in the same run, on the same
 * database, at the same concurrency: one autocommit call of the same single-booking statement
 * (book_flight_seats with one request, a named prepared statement) per booking. Two shapes:
 * one hot flight (every booking on one row: its lock and commit are the bottleneck, which the
 * service's per-flight batching attacks) and 1,000 flights (no contention). After every run the
 * seats are checked: oversold must be 0.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { FlightBookingService } from "../gen/spacet/v1/flight_booking_pb.js";
import { FlightService, SeatClass } from "../gen/spacet/v1/flight_pb.js";
import type { Principal } from "../internal/domain/identity/principal.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightRequest, flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";
import { fmt, line, measure, type RunStats } from "./stats.js";

const POOL_MAX = 10;
const LEVELS = [8, 32];
/** Per run: fewer than a flight's 3,000 seats (1,000 per class), so the hot flight never sells out. */
const REQUESTS_PER_RUN = 1_200;
/** Raw and gRPC runs alternate this many times per figure; the best of each is kept (shared machines are noisy). */
const ROUNDS = 3;
const SPREAD_FLIGHTS = 1_000;
const TARGETS: Record<number, number> = { 8: 0.6, 32: 1.0 };

const BOOK = `select outcome from book_flight_seats($1::uuid, array[$2]::uuid[], array[$3]::uuid[], array[$4]::text[], array[null]::uuid[],
  array[$5]::integer[], array[$6]::integer[], array[$7]::integer[], '5000ms')`;

/** Runs the flight bench on a fresh database and prints its figures. */
export async function runFlightsBench(): Promise<void> {
  const db = await createTestDatabase();
  const service = await startServiceProcess({ dsn: db.dsn, env: { PG_POOL_MAX: String(POOL_MAX), LOG_LEVEL: "warn" } });
  // The baseline's connections get the same size and session settings as the service's pool.
  const pool = new pg.Pool({ connectionString: db.dsn, max: POOL_MAX, options: "-c TimeZone=UTC -c lock_timeout=5s" });
  pool.on("error", () => undefined);
  const admin = openDatabase({ dsn: db.dsn, poolMax: 2 });
  try {
    const users: Principal[] = await Promise.all(Array.from({ length: 32 }, () => insertUser(admin.db)));
    const tokens = await Promise.all(users.map((u) => mintTestToken(u)));
    const operator = { headers: bearer(await mintTestToken(await insertUser(admin.db, "operator"))) };
    const transport = createGrpcTransport({ baseUrl: service.grpcUrl });
    const flights = createClient(FlightService, transport);
    const bookings = createClient(FlightBookingService, transport);

    const newFlight = async (): Promise<string> => {
      const plan = flightPlan({ capacity: { window: 1_000, aisle: 1_000, middle: 1_000 }, offerDurationMs: 86_400_000 });
      const { flight } = await flights.createFlight(createFlightRequest(plan), operator);
      return flight?.flightId ?? "";
    };
    const raw = (flightOf: (i: number) => string) => async (i: number) => {
      const user = users[i % users.length];
      const seat = [0, 0, 0];
      seat[i % 3] = 1;
      const { rows } = await pool.query<{ outcome: string }>({
        name: "book-one",
        text: BOOK,
        values: [flightOf(i), randomUUID(), user.userId, user.username, ...seat],
      });
      if (rows[0]?.outcome !== "confirmed") throw new Error(`raw booking ${i}: ${rows[0]?.outcome}`);
    };
    const viaGrpc = (flightOf: (i: number) => string) => async (i: number) => {
      await bookings.bookFlight(
        { flightId: flightOf(i), seats: [{ seatClass: [SeatClass.WINDOW, SeatClass.AISLE, SeatClass.MIDDLE][i % 3], count: 1 }] },
        { headers: bearer(tokens[i % tokens.length]) },
      );
    };

    // Warm up both paths (JIT, connections, plans) on a flight of their own.
    const warm = await newFlight();
    await measure(
      300,
      8,
      raw(() => warm),
    );
    await measure(
      300,
      8,
      viaGrpc(() => warm),
    );

    console.log(
      `\n== BookFlight on one hot flight: gRPC (batched per flight) vs one raw statement per booking (best of ${ROUNDS} alternating runs of ${REQUESTS_PER_RUN}, pool ${POOL_MAX})`,
    );
    for (const concurrency of LEVELS) {
      const hot = { raw: [] as string[], grpc: [] as string[] };
      /** A run on a hot flight of its own (remembered for the checks below). */
      const onNewFlight = (kept: string[], call: (flightOf: () => string) => (i: number) => Promise<void>) => async () => {
        const flight = await newFlight();
        kept.push(flight);
        return measure(
          REQUESTS_PER_RUN,
          concurrency,
          call(() => flight),
        );
      };
      const [rawStats, grpcStats] = await bestOf(onNewFlight(hot.raw, raw), onNewFlight(hot.grpc, viaGrpc));
      report(concurrency, rawStats, grpcStats, await oversoldSeats(pool, [...hot.raw, ...hot.grpc]), TARGETS[concurrency]);
      const perCommit = async (ids: string[]) => fmt((await Promise.all(ids.map((id) => bookingsPerCommit(pool, id)))).reduce((a, b) => a + b) / ids.length, 1);
      console.log(`bookings per commit on the hot flight: raw ${await perCommit(hot.raw)}, gRPC ${await perCommit(hot.grpc)}`);
    }

    console.log(`\n== BookFlight spread over ${SPREAD_FLIGHTS.toLocaleString("en")} flights (no contention)`);
    const spread = await Promise.all(Array.from({ length: SPREAD_FLIGHTS }, () => newFlight()));
    for (const concurrency of LEVELS) {
      const [rawStats, grpcStats] = await bestOf(
        () =>
          measure(
            REQUESTS_PER_RUN,
            concurrency,
            raw((i) => spread[i % SPREAD_FLIGHTS]),
          ),
        () =>
          measure(
            REQUESTS_PER_RUN,
            concurrency,
            viaGrpc((i) => spread[(i + 7) % SPREAD_FLIGHTS]),
          ),
      );
      report(concurrency, rawStats, grpcStats, await oversoldSeats(pool, spread), undefined);
    }
  } finally {
    await admin.close();
    await pool.end();
    await service.stop();
    await db.drop();
  }
}

/** Runs `a` and `b` alternately ROUNDS times; the run with the best throughput of each. */
async function bestOf(a: () => Promise<RunStats>, b: () => Promise<RunStats>): Promise<[RunStats, RunStats]> {
  const runs: [RunStats[], RunStats[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    runs[0].push(await a());
    runs[1].push(await b());
  }
  const best = (xs: RunStats[]) => xs.reduce((x, y) => (y.perSecond > x.perSecond ? y : x));
  return [best(runs[0]), best(runs[1])];
}

function report(concurrency: number, raw: RunStats, viaGrpc: RunStats, oversold: number, target: number | undefined) {
  console.log(line(`raw SQL, ${concurrency} clients`, raw));
  console.log(line(`gRPC BookFlight, ${concurrency} clients`, viaGrpc));
  const goal = target === undefined ? "" : ` (target >= ${fmt(target, 1)})`;
  console.log(`ratio gRPC/raw throughput at ${concurrency} clients: ${fmt(viaGrpc.perSecond / raw.perSecond, 2)}${goal}   oversold: ${oversold}`);
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

/**
 * Booking bench (npm run bench): CreateBooking through the real gRPC server against the same
 * transaction issued as raw SQL on the same database, in the same run; then ListBookings page
 * latency at depth. Figures are ratios to the in-run baseline because these machines are noisy,
 * plus the CPU each party spent per booking (service, Postgres backends, this client), which
 * moves far less with the machine's load than throughput does.
 * BENCH_CPU_PROF=<dir> runs the service with `node --cpu-prof` and leaves its profile there.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { createPageTokenCodec } from "../pkg/page-token/page-token.js";
import { DESTINATIONS } from "../internal/domain/launch/destination.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { TEST_PAGE_TOKEN_SECRET } from "../internal/testkit/page-tokens.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";
import { type CpuMs, cpuLine, measureCpu } from "./cpu.js";
import { createGrpcLoadClient, type GrpcLoadClient } from "./grpc-load-client.js";
import { buildDist, PRODUCTION_SERVER } from "./production-server.js";
import { combineRuns, fmt, line, measure, percentile, type RunStats } from "./stats.js";

const PAD_IDS = [PADS.cape, PADS.kennedy, PADS.vandenberg];
const PER_LEVEL = 3_000;
/** Each side's bookings per level come in this many chunks, taking turns with the other side. */
const CHUNKS = 6;
const PER_CHUNK = PER_LEVEL / CHUNKS;
const WARM_UP = 6_000;
const LEVELS = [8, 32];
const DEEP_ROWS = 100_000;
const POOL_MAX = 10;

/** Booking i: spread over pads and days; the day's weekday picks the destination so the weekly rotation always holds. */
function slot(i: number, offsetDays: number) {
  const pad = PAD_IDS[i % PAD_IDS.length];
  const dayIndex = offsetDays + (Math.floor(i / PAD_IDS.length) % 700);
  const date = new Date(Date.UTC(2050, 0, 3 + dayIndex)); // 2050-01-03 is a Monday
  const destination = DESTINATIONS[(date.getUTCDay() + 6) % 7];
  return { pad, date: date.toISOString().slice(0, 10), destination };
}

/**
 * CreateBooking as raw SQL: the same one statement the service sends (the create_booking
 * function of the migrations, in autocommit), with the least client work pg allows: a named
 * prepared statement, so the server parses and plans the call once per connection.
 */
const RAW_CREATE_BOOKING = {
  name: "bench-create-booking",
  text: "select * from create_booking($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
};

async function rawCreateBooking(pool: pg.Pool, i: number, offsetDays: number): Promise<void> {
  const s = slot(i, offsetDays);
  const bookingId = randomUUID();
  const { rows } = await pool.query<{ outcome: string }>({
    ...RAW_CREATE_BOOKING,
    values: [
      null,
      null,
      bookingId,
      randomUUID(),
      s.pad,
      s.date,
      s.destination,
      "Raw",
      "Baseline",
      "other",
      "1980-01-01",
      100_000,
      new Date(),
      randomUUID(),
      "launch",
      "spacet.events.v1.BookingCreated",
      JSON.stringify({ bookingId, launchpadId: s.pad, launchDate: s.date }),
      7_000_003,
      7_000_004,
    ],
  });
  if (rows[0]?.outcome !== "booked") throw new Error(`raw booking ${i} not booked: ${rows[0]?.outcome}`);
}

export async function runBookingBench(): Promise<void> {
  const db = await createTestDatabase();
  // The service runs as its own process, as the image runs it (compiled, same node flags); this
  // process is only the client. Per-RPC info logs are off so the client does not spend its time
  // collecting them. BENCH_CPU_PROF's profile is written when the service exits (stop() below).
  buildDist();
  const profileDir = process.env.BENCH_CPU_PROF;
  const service = await startServiceProcess({
    dsn: db.dsn,
    env: { ...PRODUCTION_SERVER.env, LAUNCH_CAPACITY: "100000", PG_POOL_MAX: String(POOL_MAX), LOG_LEVEL: "warn" },
    script: PRODUCTION_SERVER.script,
    nodeArgs: [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...PRODUCTION_SERVER.nodeArgs],
  });
  // The baseline's connections get the same size and session settings as the service's pool.
  const pool = new pg.Pool({ connectionString: db.dsn, max: POOL_MAX, options: "-c TimeZone=UTC -c lock_timeout=5s" });
  pool.on("error", () => undefined);
  const client = createClient(BookingService, createGrpcTransport({ baseUrl: service.grpcUrl }));
  const loadClient = createGrpcLoadClient(`127.0.0.1:${service.grpcPort}`);
  try {
    console.log(
      `\n== CreateBooking: gRPC server vs the same transaction as raw SQL (${PER_LEVEL} bookings each per level, in ${CHUNKS} alternating chunks; pool ${POOL_MAX})`,
    );
    let offset = 0;
    // Warm up both paths (JIT, connections, plans) before measuring. The service's JIT needs
    // thousands of calls, more without Maglev (the production flags): after 2,000 the 8-client
    // level still cost the service 0.73–0.83 ms per booking on Node 24 against 0.40 ms at 32
    // clients in the same run; after 6,000 the two levels agree (0.54 and 0.45).
    await measure(WARM_UP, 8, (i) => rawCreateBooking(pool, i, 5000));
    await measure(WARM_UP, 8, (i) => grpcCreate(loadClient, i, 5800));
    for (const concurrency of LEVELS) {
      const raw = { offset: (offset += 720), runs: [] as RunStats[], cpu: { service: 0, postgres: 0, client: 0 } };
      const viaGrpc = { offset: (offset += 720), runs: [] as RunStats[], cpu: { service: 0, postgres: 0, client: 0 } };
      const calls = (side: typeof raw, chunk: number) => (i: number) =>
        side === raw ? rawCreateBooking(pool, chunk * PER_CHUNK + i, side.offset) : grpcCreate(loadClient, chunk * PER_CHUNK + i, side.offset);
      // Raw SQL and gRPC take turns in chunks, so a burst of other work on the shared machine
      // hits both alike instead of deciding the ratio.
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        for (const side of chunk % 2 ? [viaGrpc, raw] : [raw, viaGrpc]) {
          const run = await measureCpu(pool, service.process.pid, () => measure(PER_CHUNK, concurrency, calls(side, chunk)));
          side.runs.push(run.stats);
          for (const k of ["service", "postgres", "client"] as const) side.cpu[k] += run.cpuMs[k];
        }
      }
      const [rawStats, grpcStats] = [combineRuns(raw.runs), combineRuns(viaGrpc.runs)];
      const perBooking = (cpu: CpuMs): CpuMs => ({ service: cpu.service / PER_LEVEL, postgres: cpu.postgres / PER_LEVEL, client: cpu.client / PER_LEVEL });
      console.log(line(`raw SQL, ${concurrency} clients`, rawStats));
      console.log(line(`gRPC CreateBooking, ${concurrency} clients`, grpcStats));
      console.log(`ratio gRPC/raw throughput at ${concurrency} clients: ${fmt(grpcStats.perSecond / rawStats.perSecond, 2)} (target >= 0.5)`);
      console.log(`CPU ms per booking, raw SQL:  ${cpuLine(perBooking(raw.cpu), false)}`);
      console.log(`CPU ms per booking, gRPC:     ${cpuLine(perBooking(viaGrpc.cpu), true)}`);
      // What the throughput ratio would be if the machine ran nothing else and every party
      // were CPU-bound on it: steadier than the measured ratio when other work shares the cores.
      const total = (c: CpuMs) => c.service + c.postgres + c.client;
      console.log(`ratio of total CPU per booking raw/gRPC at ${concurrency} clients: ${fmt(total(raw.cpu) / total(viaGrpc.cpu), 2)}`);
    }

    console.log(`\n== ListBookings page latency at depth (${DEEP_ROWS.toLocaleString("en")} extra rows, page size 100)`);
    // Page 1 and the deep page both read seeded rows, so they differ only in depth.
    await seedBookings(pool, DEEP_ROWS + 50_000);
    const { rows } = await pool.query<{ seq: string }>("select max(seq)::text as seq from bookings");
    const codec = createPageTokenCodec(TEST_PAGE_TOKEN_SECRET);
    const scope = JSON.stringify([
      "bookings",
      { launchpadId: undefined, destination: undefined, status: undefined, fromLaunchDate: undefined, toLaunchDate: undefined },
    ]);
    const deepToken = codec.encode(String(BigInt(rows[0].seq) - BigInt(DEEP_ROWS)), scope);
    const asOperator = { headers: bearer(await mintTestToken({ role: "operator" })) };
    const [first, deep] = await interleavedLatencies(
      () => client.listBookings({ pageSize: 100 }, asOperator),
      () => client.listBookings({ pageSize: 100, pageToken: deepToken }, asOperator),
    );
    console.log(`page 1:                       p50 ${fmt(first.p50, 2)} ms   p99 ${fmt(first.p99, 2)} ms`);
    console.log(`page after ${DEEP_ROWS.toLocaleString("en")} rows:     p50 ${fmt(deep.p50, 2)} ms   p99 ${fmt(deep.p99, 2)} ms`);
    console.log(`ratio deep/page 1 (p50): ${fmt(deep.p50 / first.p50, 2)} (target <= 1.2)`);
  } finally {
    loadClient.close();
    await pool.end();
    await service.stop();
    await db.drop();
  }
}

function grpcCreate(client: GrpcLoadClient, i: number, offsetDays: number) {
  const s = slot(i, offsetDays);
  return client.call(BookingService.method.createBooking, {
    firstName: "Bench",
    lastName: "Passenger",
    gender: Gender.OTHER,
    birthday: "1980-01-01",
    launchpadId: s.pad,
    destination: Destination[s.destination.toUpperCase() as keyof typeof Destination],
    launchDate: s.date,
  });
}

/** Bulk rows straight in SQL: one launch per (pad, day) and `n` bookings spread over them. */
async function seedBookings(pool: pg.Pool, n: number): Promise<void> {
  await pool.query(
    `with days as (select d::date as day from generate_series('2060-01-05'::date, '2060-01-05'::date + 6, interval '1 day') d),
          l as (insert into launches (id, launchpad_id, launch_date, destination, capacity, booked_seats, status)
                select gen_random_uuid(), '${PADS.cape}', day,
                       (array['mars','moon','pluto','asteroid_belt','europa','titan','ganymede'])[extract(isodow from day)::int], 1000000, 0, 'scheduled'
                  from days returning id, launch_date, destination)
     insert into bookings (id, launch_id, launchpad_id, destination, launch_date, first_name, last_name, gender, birthday, status)
     select gen_random_uuid(), l.id, '${PADS.cape}', l.destination, l.launch_date, 'Deep', 'Row', 'other', '1980-01-01', 'confirmed'
       from generate_series(1, $1) g join l on l.launch_date = '2060-01-05'::date + (g % 7)`,
    [n],
  );
  await pool.query("analyze bookings");
}

/**
 * Latencies of two calls measured alternately, so machine noise (other processes, GC) hits both
 * the same way and the ratio compares only what differs: the depth of the page.
 */
async function interleavedLatencies(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds = 400): Promise<{ p50: number; p99: number }[]> {
  for (let i = 0; i < 30; i++) await Promise.all([a(), b()]);
  const ms: [number[], number[]] = [[], []];
  for (let i = 0; i < rounds; i++) {
    for (const [k, call] of [a, b].entries()) {
      const t0 = performance.now();
      await call();
      ms[k].push(performance.now() - t0);
    }
  }
  return ms.map((m) => {
    m.sort((x, y) => x - y);
    return { p50: percentile(m, 50), p99: percentile(m, 99) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runBookingBench().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/**
 * Booking bench (npm run bench): CreateBooking through the real gRPC server against the same
 * transaction issued as raw SQL on the same database, in the same run; then ListBookings page
 * latency at depth. Figures are ratios to the in-run baseline because these machines are noisy.
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
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { startServiceProcess } from "../internal/testkit/service-process.js";
import { fmt, line, measure, percentile } from "./stats.js";

const PAD_IDS = [PADS.cape, PADS.kennedy, PADS.vandenberg];
const REQUESTS_PER_LEVEL = 3_000;
const LEVELS = [8, 32];
const DEEP_ROWS = 100_000;
const POOL_MAX = 10;
/** Must match PAGE_TOKEN_SECRET of the service (config/config.yaml default). */
const PAGE_TOKEN_SECRET = "spacet-dev-page-token-secret";

/** Booking i: spread over pads and days; the day's weekday picks the destination so the weekly rotation always holds. */
function slot(i: number, offsetDays: number) {
  const pad = PAD_IDS[i % PAD_IDS.length];
  const dayIndex = offsetDays + (Math.floor(i / PAD_IDS.length) % 700);
  const date = new Date(Date.UTC(2050, 0, 3 + dayIndex)); // 2050-01-03 is a Monday
  const destination = DESTINATIONS[(date.getUTCDay() + 6) % 7];
  return { pad, date: date.toISOString().slice(0, 10), destination };
}

/** The CreateBooking transaction as the repository issues it, written out as plain SQL. */
async function rawCreateBooking(pool: pg.Pool, i: number, offsetDays: number): Promise<void> {
  const s = slot(i, offsetDays);
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query(
      `select p.*, pg_advisory_xact_lock_shared(7000003), pg_advisory_xact_lock(7000004, hashtext(p.id || date_trunc('week', $2::timestamp)::date))
         from launchpads p where p.id = $1`,
      [s.pad, s.date],
    );
    await client.query(
      `select s.id from spacex_launches s join launchpads p on p.id = s.launchpad_id
        where s.launchpad_id = $1 and s.date_precision in ('hour','day')
          and s.date_utc >= $2::date - 1 and s.date_utc < $2::date + 2 and (s.date_utc at time zone p.time_zone)::date = $2::date limit 1`,
      [s.pad, s.date],
    );
    const launch = await client.query<{ id: string }>(
      `insert into launches (id, launchpad_id, launch_date, destination, capacity, booked_seats, status, created_at)
       values ($1, $2, $3, $4, 100000, 1, 'scheduled', now())
       on conflict (launchpad_id, launch_date) where status = 'scheduled'
       do update set booked_seats = launches.booked_seats + 1
        where launches.destination = excluded.destination and launches.booked_seats < launches.capacity
       returning *`,
      [randomUUID(), s.pad, s.date, s.destination],
    );
    const bookingId = randomUUID();
    await client.query(
      `insert into bookings (id, launch_id, launchpad_id, destination, launch_date, first_name, last_name, gender, birthday, status, created_at)
       values ($1, $2, $3, $4, $5, 'Raw', 'Baseline', 'other', '1980-01-01', 'confirmed', now())`,
      [bookingId, launch.rows[0].id, s.pad, s.destination, s.date],
    );
    await client.query(
      `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload) values ($1, 'launch', $2, 'spacet.events.v1.BookingCreated', $3)`,
      [randomUUID(), launch.rows[0].id, JSON.stringify({ bookingId, launchId: launch.rows[0].id })],
    );
    await client.query("commit");
  } catch (e) {
    await client.query("rollback");
    throw e;
  } finally {
    client.release();
  }
}

export async function runBookingBench(): Promise<void> {
  const db = await createTestDatabase();
  // The service runs as its own process, as in production; this process is only the client.
  // Per-RPC info logs are off so the client does not spend its time collecting them.
  const service = await startServiceProcess({ dsn: db.dsn, env: { LAUNCH_CAPACITY: "100000", PG_POOL_MAX: String(POOL_MAX), LOG_LEVEL: "warn" } });
  // The baseline's connections get the same size and session settings as the service's pool.
  const pool = new pg.Pool({ connectionString: db.dsn, max: POOL_MAX, options: "-c TimeZone=UTC -c lock_timeout=5s" });
  pool.on("error", () => undefined);
  const client = createClient(BookingService, createGrpcTransport({ baseUrl: service.grpcUrl }));
  try {
    console.log(`\n== CreateBooking: gRPC server vs the same transaction as raw SQL (${REQUESTS_PER_LEVEL} bookings per run, pool ${POOL_MAX})`);
    let offset = 0;
    // Warm up both paths (JIT, connections, plans) before measuring.
    await measure(300, 8, (i) => rawCreateBooking(pool, i, 5000));
    await measure(300, 8, (i) => grpcCreate(client, i, 5200));
    for (const concurrency of LEVELS) {
      offset += 720;
      const raw = await measure(REQUESTS_PER_LEVEL, concurrency, (i) => rawCreateBooking(pool, i, offset));
      offset += 720;
      const viaGrpc = await measure(REQUESTS_PER_LEVEL, concurrency, (i) => grpcCreate(client, i, offset));
      console.log(line(`raw SQL, ${concurrency} clients`, raw));
      console.log(line(`gRPC CreateBooking, ${concurrency} clients`, viaGrpc));
      console.log(`ratio gRPC/raw throughput at ${concurrency} clients: ${fmt(viaGrpc.perSecond / raw.perSecond, 2)} (target >= 0.5)`);
    }

    console.log(`\n== ListBookings page latency at depth (${DEEP_ROWS.toLocaleString("en")} extra rows, page size 100)`);
    // Page 1 and the deep page both read seeded rows, so they differ only in depth.
    await seedBookings(pool, DEEP_ROWS + 50_000);
    const { rows } = await pool.query<{ seq: string }>("select max(seq)::text as seq from bookings");
    const codec = createPageTokenCodec(PAGE_TOKEN_SECRET);
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
    await pool.end();
    await service.stop();
    await db.drop();
  }
}

function grpcCreate(client: ReturnType<typeof createClient<typeof BookingService>>, i: number, offsetDays: number) {
  const s = slot(i, offsetDays);
  return client.createBooking({
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

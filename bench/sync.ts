/**
 * SpaceX sync bench (npm run bench, sync part; or `node --import tsx bench/sync.ts`): one full
 * sync (fetch 1,000 launches over HTTP from the fixture server, then the one-transaction apply)
 * against a fresh database with 100,000 bookings (and 10,000 for comparison), with 1%, 10% and
 * 100% of the SpaceX launches landing on booked days (50 bookings each). Prints the duration,
 * the SQL round trips (they must not grow with bookings or cancellations) and ratios against
 * baselines measured in the same run on the same data: the fetch alone, and the plain upsert
 * of the 1,000 launches alone (the least any sync must write).
 */
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { createSpacexSync } from "../cmd/wiring/spacex-sync.js";
import type { UpcomingSpacexLaunch } from "../internal/app/spacex-sync/ports.js";
import { startSpacexFixtureServer } from "../internal/testkit/spacex-fixture-server/server.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { createStatementCounter } from "../internal/infra/postgres/statement-counter.js";
import { silentLog } from "../internal/testkit/logs.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { fastFailingProvider, syncSettings } from "../internal/testkit/spacex-sync.js";
import { SEATS_PER_LAUNCH, seedBookings, spacexSchedule } from "./sync-seed.js";

const SPACEX_LAUNCHES = 1_000;
const NOW = new Date("2049-12-01T12:00:00Z");
const TARGET_MS = 1_000;

export interface SyncBenchScenario {
  readonly label: string;
  readonly bookings: number;
  readonly colliding: number;
}

export interface SyncBenchResult extends SyncBenchScenario {
  readonly syncMs: number;
  readonly roundTrips: number;
  readonly bookingsCancelled: number;
  readonly fetchMs: number;
  readonly upsertMs: number;
}

export const DEFAULT_SCENARIOS: readonly SyncBenchScenario[] = [
  { label: "10k bookings, 1% on booked days", bookings: 10_000, colliding: 10 },
  { label: "100k bookings, 1% on booked days", bookings: 100_000, colliding: 10 },
  { label: "100k bookings, 10% on booked days", bookings: 100_000, colliding: 100 },
  // Stress, not a target: half of all bookings cancelled in one run (costs scale with rows written).
  { label: "100k bookings, all on booked days (stress)", bookings: 100_000, colliding: SPACEX_LAUNCHES },
];

/** Runs each scenario on its own fresh database and prints one block per scenario. */
export async function runSyncBench(scenarios: readonly SyncBenchScenario[] = DEFAULT_SCENARIOS): Promise<SyncBenchResult[]> {
  const results: SyncBenchResult[] = [];
  console.log(`\nSpaceX sync: ${SPACEX_LAUNCHES} SpaceX launches over HTTP (pages of 100), one transaction, target <= ${TARGET_MS} ms`);
  for (const scenario of scenarios) {
    const result = await runScenario(scenario);
    results.push(result);
    const ratio = result.syncMs / (result.fetchMs + result.upsertMs);
    console.log(
      [
        `  ${scenario.label}`,
        `    sync                ${ms(result.syncMs)}   ${result.roundTrips} SQL round trips   ${result.bookingsCancelled} bookings cancelled` +
          `   ${result.syncMs <= TARGET_MS ? "within" : "OVER"} target`,
        `    baseline: fetch     ${ms(result.fetchMs)}`,
        `    baseline: upsert    ${ms(result.upsertMs)}   (the 1,000 launches alone, one statement)`,
        `    ratio sync / (fetch + upsert)  ${ratio.toFixed(1)}x`,
      ].join("\n"),
    );
  }
  const trips = new Set(results.map((r) => r.roundTrips));
  console.log(`  round trips across scenarios: ${[...trips].join(", ")} (${trips.size === 1 ? "constant" : "NOT constant"})`);
  return results;
}

async function runScenario(scenario: SyncBenchScenario): Promise<SyncBenchResult> {
  const tdb = await createTestDatabase();
  const handle = openDatabase({ dsn: tdb.dsn, poolMax: 4 });
  const fixture = await startSpacexFixtureServer();
  try {
    await seedBookings(handle.pool, scenario.bookings);
    fixture.setLaunches(spacexSchedule(SPACEX_LAUNCHES, scenario.colliding, Math.ceil(scenario.bookings / SEATS_PER_LAUNCH)));
    const provider = fastFailingProvider(fixture.url, { timeoutMs: 10_000 });

    // One warm-up read outside the timings (JIT, the fixture server's JSON, the HTTP connection).
    await provider.listUpcomingLaunches();
    const t0 = performance.now();
    const fetched = await provider.listUpcomingLaunches();
    const fetchMs = performance.now() - t0;
    const upsertMs = await plainUpsertMs(handle.pool, fetched);

    // Round trips are counted on the database the sync talks to, as the service's log line counts them.
    const counter = createStatementCounter();
    const sync = createSpacexSync({
      db: handle.db.withPlugin(counter.plugin),
      settings: syncSettings(fixture.url),
      log: silentLog,
      clock: () => NOW,
      provider,
    });
    const t1 = performance.now();
    const { value: outcome, statements: roundTrips } = await counter.count(() => sync.syncSpacexLaunches({ trigger: "manual", force: true }));
    const syncMs = performance.now() - t1;
    if (outcome.kind !== "ran" || outcome.run.outcome !== "succeeded") throw new Error(`bench sync did not succeed: ${JSON.stringify(outcome)}`);
    return { ...scenario, syncMs, roundTrips, bookingsCancelled: outcome.run.counts.bookingsCancelled, fetchMs, upsertMs };
  } finally {
    await fixture.close();
    await handle.close();
    await tdb.drop();
  }
}

/** The plain upsert of the same launches into a scratch copy of the mirror: a floor, not a sync. */
async function plainUpsertMs(pool: pg.Pool, launches: readonly UpcomingSpacexLaunch[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("create temporary table bench_mirror (like spacex_launches including all)");
    const t0 = performance.now();
    await client.query(
      `insert into bench_mirror (id, name, flight_number, launchpad_id, date_utc, date_precision, upcoming)
       select *, true from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[])
       on conflict (id) do update set date_utc = excluded.date_utc`,
      [
        launches.map((l) => l.id),
        launches.map((l) => l.name),
        launches.map((l) => l.flightNumber),
        launches.map((l) => l.launchpadId ?? null),
        launches.map((l) => l.dateUtc.toISOString()),
        launches.map((l) => l.datePrecision),
      ],
    );
    return performance.now() - t0;
  } finally {
    client.release(true);
  }
}

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runSyncBench();
}

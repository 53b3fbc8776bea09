/**
 * Where a booking's NOTIFY goes (`npm run bench -- flight-notify`). A transaction that has
 * notified takes a cluster-wide lock on the notification queue at commit, while it still holds
 * its row locks; on a hot flight every booking waits for the one before it to commit, so that
 * lock is inside the flight's lock window. One autocommit book_flight_seats per booking (the
 * naive loop, where the window matters most: no batching), a hot flight per chunk, the variants
 * taking turns in chunks:
 * - `outbox trigger` (as shipped: 0002's statement trigger notifies the relay in the booking's transaction),
 * - `no notify` (that trigger disabled: the lower bound),
 * - `+ notify in tx` (the shipped trigger plus a flight_id:version notify inside the transaction,
 *   what a flights trigger for WatchFlight would add),
 * - `+ notify after commit` (the shipped trigger plus WatchFlight's announcement as the service
 *   makes it: its own autocommit statement after the booking committed, here one per booking,
 *   the worst case; the service coalesces them per replica).
 * A LISTEN connection is open throughout, as each replica has one.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Principal } from "../internal/domain/identity/principal.js";
import { scheduleFlight } from "../internal/domain/flight/flight.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { createFlightRepository } from "../internal/infra/postgres/flight/flight-repository.js";
import { flightPlan, insertUser } from "../internal/testkit/flight-fixtures.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { combineRuns, fmt, line, measure, type RunStats } from "./stats.js";

const CONCURRENCY = [8, 32];
const PER_CHUNK = 900;
const ROUNDS = 4;

const BOOK = {
  name: "bench-notify-book",
  text: `select outcome from book_flight_seats($1::uuid, array[$2]::uuid[], array[$3]::uuid[], array[$4]::text[], array[null]::uuid[],
           array[$5]::integer[], array[$6]::integer[], array[$7]::integer[], '5000ms')`,
};
const ANNOUNCE = { name: "bench-notify-announce", text: "select pg_notify('spacet_flight_changes', id::text || ':' || version) from flights where id = $1" };

interface Variant {
  readonly name: string;
  readonly setUp: string;
  readonly announceAfter: boolean;
  readonly runs: RunStats[];
}

export async function runFlightNotifyBench(): Promise<void> {
  const db = await createTestDatabase();
  const admin = openDatabase({ dsn: db.dsn, poolMax: 2 });
  const pool = new pg.Pool({ connectionString: db.dsn, max: 10, options: "-c TimeZone=UTC" });
  pool.on("error", () => undefined);
  const listener = new pg.Client({ connectionString: db.dsn });
  await listener.connect();
  await listener.query("listen spacet_flight_changes; listen spacet_outbox");
  listener.on("notification", () => undefined);
  // The in-transaction variant's trigger, created once and switched on only for its chunks.
  await pool.query(`create function bench_flight_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('spacet_flight_changes', new.id::text || ':' || new.version); return null; end $$;
    create trigger bench_flight_notify after update on flights for each row execute function bench_flight_notify();
    alter table flights disable trigger bench_flight_notify;`);
  try {
    const users: Principal[] = await Promise.all(Array.from({ length: 32 }, () => insertUser(admin.db)));
    const flights = createFlightRepository(admin.db);
    const newFlight = async () => {
      const flight = scheduleFlight(
        flightPlan({ capacity: { window: 1_000, aisle: 1_000, middle: 1_000 }, offerDurationMs: 86_400_000 }),
        randomUUID(),
        new Date(),
      );
      await flights.insert(flight);
      return flight.id;
    };
    const book = (flightId: string, announceAfter: boolean) => async (i: number) => {
      const user = users[i % users.length];
      const seats = [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0));
      const { rows } = await pool.query<{ outcome: string }>({ ...BOOK, values: [flightId, randomUUID(), user.userId, user.username, ...seats] });
      if (rows[0]?.outcome !== "confirmed") throw new Error(`booking ${i}: ${rows[0]?.outcome}`);
      if (announceAfter) await pool.query({ ...ANNOUNCE, values: [flightId] });
    };
    const variants = (): Variant[] => [
      {
        name: "outbox trigger (shipped)",
        setUp: "alter table outbox enable trigger outbox_notify; alter table flights disable trigger bench_flight_notify",
        announceAfter: false,
        runs: [],
      },
      {
        name: "no notify",
        setUp: "alter table outbox disable trigger outbox_notify; alter table flights disable trigger bench_flight_notify",
        announceAfter: false,
        runs: [],
      },
      {
        name: "+ notify in tx",
        setUp: "alter table outbox enable trigger outbox_notify; alter table flights enable trigger bench_flight_notify",
        announceAfter: false,
        runs: [],
      },
      {
        name: "+ notify after commit",
        setUp: "alter table outbox enable trigger outbox_notify; alter table flights disable trigger bench_flight_notify",
        announceAfter: true,
        runs: [],
      },
    ];
    await measure(PER_CHUNK, 8, book(await newFlight(), false)); // warm-up

    console.log(`\n== one raw booking statement per booking on a hot flight, ${ROUNDS} rounds of ${PER_CHUNK} per variant, variants taking turns`);
    for (const concurrency of CONCURRENCY) {
      const all = variants();
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? [...all].reverse() : all;
        for (const v of order) {
          await pool.query(v.setUp);
          v.runs.push(await measure(PER_CHUNK, concurrency, book(await newFlight(), v.announceAfter)));
        }
      }
      const base = combineRuns(all[0].runs).perSecond;
      for (const v of all) {
        const stats = combineRuns(v.runs);
        console.log(`${line(`${v.name}, ${concurrency} clients`, stats)}   vs shipped ${fmt(stats.perSecond / base, 2)}`);
      }
    }
  } finally {
    await pool.query("alter table outbox enable trigger outbox_notify").catch(() => undefined);
    await listener.end();
    await pool.end();
    await admin.close();
    await db.drop();
  }
}

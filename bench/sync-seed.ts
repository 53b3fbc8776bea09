/**
 * Data for the sync bench, written with set-based SQL so seeding 100,000 bookings takes a
 * second, not minutes: our launches (50 passengers each) on the three active pads, one per pad
 * and day from a Monday on, destination by weekday so the weekly rotation rule always holds.
 */
import type pg from "pg";
import type { Doc } from "../internal/testkit/spacex-fixture-server/fixtures.js";
import { DESTINATIONS } from "../internal/domain/launch/destination.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";

export const BENCH_PADS = [PADS.cape, PADS.kennedy, PADS.vandenberg] as const;
export const SEATS_PER_LAUNCH = 50;
/** A Monday; our launch k flies from BENCH_PADS[k % 3] on FIRST_DAY + floor(k / 3). */
const FIRST_DAY = Date.UTC(2050, 0, 3);
const DAY_MS = 86_400_000;

/** Day number d (from FIRST_DAY) as YYYY-MM-DD. */
export const benchDay = (d: number) => new Date(FIRST_DAY + d * DAY_MS).toISOString().slice(0, 10);

/** Inserts `bookings` confirmed bookings on `bookings / 50` full launches, then ANALYZEs. */
export async function seedBookings(pool: pg.Pool, bookings: number): Promise<void> {
  const launches = Math.ceil(bookings / SEATS_PER_LAUNCH);
  await pool.query(
    `insert into launches (id, launchpad_id, launch_date, destination, capacity, booked_seats, status)
     select gen_random_uuid(), ($1::text[])[k % 3 + 1], $2::date + k / 3,
            ($3::text[])[extract(isodow from $2::date + k / 3)::int], $4, $4, 'scheduled'
       from generate_series(0, $5 - 1) k`,
    [BENCH_PADS, benchDay(0), DESTINATIONS, SEATS_PER_LAUNCH, launches],
  );
  await pool.query(
    `insert into bookings (id, launch_id, launchpad_id, destination, launch_date, first_name, last_name, gender, birthday)
     select gen_random_uuid(), l.id, l.launchpad_id, l.destination, l.launch_date, 'Bench', 'Passenger', 'female', '1990-01-01'
       from launches l cross join generate_series(1, $1) s`,
    [SEATS_PER_LAUNCH],
  );
  await pool.query("analyze");
}

/**
 * `total` upcoming SpaceX launches at 15:00 UTC (the same calendar day at every bench pad's
 * zone). The first `colliding` take the pad and day of one of our first launches each; the rest
 * fly on later days, clear of ours. One in ten of those has month precision (blocks nothing).
 */
export function spacexSchedule(total: number, colliding: number, ourLaunches: number): Doc[] {
  if (colliding > ourLaunches) throw new RangeError(`only ${ourLaunches} launches of ours to collide with`);
  const clearFrom = Math.ceil(ourLaunches / 3) + 1;
  return Array.from({ length: total }, (_, j) => {
    const k = j < colliding ? j : 3 * clearFrom + (j - colliding);
    const date = `${benchDay(Math.floor(k / 3))}T15:00:00.000Z`;
    return {
      id: (0x6a0000000000 + j).toString(16).padStart(24, "0"),
      name: `Bench launch ${j}`,
      flight_number: j + 1,
      date_utc: date,
      date_unix: Date.parse(date) / 1000,
      date_precision: j >= colliding && j % 10 === 0 ? "month" : "hour",
      upcoming: true,
      launchpad: BENCH_PADS[k % 3],
    };
  });
}

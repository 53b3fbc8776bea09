import { sql, type Kysely } from "kysely";
import type { BookingRequest } from "../domain/launch/booking.js";
import type { Database } from "../infra/postgres/schema.js";

/** Launchpads of the seed snapshot (migrations/postgresql/0003_seed_launchpads.sql). */
export const PADS = {
  /** CCSFS SLC 40, America/New_York, active. */
  cape: "5e9e4501f509094ba4566f84",
  /** VAFB SLC 4E, America/Los_Angeles, active. */
  vandenberg: "5e9e4502f509092b78566f87",
  /** KSC LC 39A, America/New_York, active. */
  kennedy: "5e9e4502f509094188566f88",
  /** VAFB SLC 3W, retired. */
  retired: "5e9e4501f5090910d4566f83",
  /** STLS, under construction. */
  underConstruction: "5e9e4502f5090927f8566f85",
} as const;

/** A valid request; tests override what they exercise. */
export function bookingRequest(overrides: Partial<BookingRequest> = {}): BookingRequest {
  return {
    firstName: "Ada",
    lastName: "Lovelace",
    gender: "female",
    birthday: "1990-12-10",
    launchpadId: PADS.cape,
    destination: "mars",
    launchDate: "2049-06-01",
    requestId: undefined,
    ...overrides,
  };
}

/** Row counts of the tables a booking writes, to prove a rejection wrote nothing. */
export async function rowCounts(db: Kysely<Database>): Promise<{ launches: number; bookings: number; outbox: number }> {
  const { rows } = await sql<{ launches: number; bookings: number; outbox: number }>`
    select (select count(*)::int from launches) as launches,
           (select count(*)::int from bookings) as bookings,
           (select count(*)::int from outbox) as outbox`.execute(db);
  return rows[0];
}

/** Puts a launch into the SpaceX mirror as a sync would. */
export async function addSpacexLaunch(
  db: Kysely<Database>,
  l: { id: string; launchpadId: string; dateUtc: string; precision?: string; name?: string },
): Promise<void> {
  await db
    .insertInto("spacex_launches")
    .values({
      id: l.id,
      name: l.name ?? `SpaceX ${l.id}`,
      flight_number: null,
      launchpad_id: l.launchpadId,
      date_utc: new Date(l.dateUtc),
      date_precision: l.precision ?? "hour",
      upcoming: true,
    })
    .execute();
}

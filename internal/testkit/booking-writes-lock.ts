import pg from "pg";
import { AdvisoryLock } from "../infra/postgres/locks.js";

/** A test's hold on the lock every booking waits for; `release` commits and disconnects. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the booking-writes lock exclusively, as a SpaceX sync does while it applies
 * cancellations: from then on every CreateBooking waits for it inside its transaction (holding
 * a pool connection), until `release`. The way for a test to keep calls in flight on purpose.
 */
export async function holdBookingWrites(dsn: string): Promise<HeldLock> {
  const client = new pg.Client({ connectionString: dsn, application_name: "test-lock-holder" });
  client.on("error", () => undefined);
  await client.connect();
  await client.query("begin");
  await client.query("select pg_advisory_xact_lock($1)", [AdvisoryLock.bookingWrites]);
  return {
    async release() {
      await client.query("commit").catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** Sessions of the database waiting for an advisory lock right now (requests blocked behind a held lock). */
export async function advisoryLockWaiters(dsn: string): Promise<number> {
  const client = new pg.Client({ connectionString: dsn });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_locks
        where locktype = 'advisory' and not granted
          and database = (select oid from pg_database where datname = current_database())`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

import { type Kysely, type Selectable, sql } from "kysely";
import type { LaunchTx } from "../../../app/launch/ports.js";
import { AdvisoryLock } from "../locks.js";
import type { Database, LaunchpadTable } from "../schema.js";
import { toLaunchpad } from "./launchpad-repository.js";

/** LaunchTx.lockForBooking inside the transaction `trx`. */
export function createLockForBooking(trx: Kysely<Database>): LaunchTx["lockForBooking"] {
  return async (launchpadId, launchDate) => {
    // One statement reads the pad and takes both locks (a round trip saved per booking); the
    // select list runs left to right, so every booking takes them in the same order. The
    // schedule lock is shared: bookings never wait for each other on it, only for a sync
    // holding it exclusively. The SpaceX schedule must be read by a LATER statement: a
    // statement's snapshot is taken when it starts, before it waits here for a sync to finish.
    // Both locks go at commit/rollback.
    const { rows } = await sql<Selectable<LaunchpadTable>>`
      select p.*,
             pg_advisory_xact_lock_shared(${AdvisoryLock.bookingWrites}),
             pg_advisory_xact_lock(${AdvisoryLock.padWeek}, hashtext(p.id || date_trunc('week', ${launchDate}::timestamp)::date))
        from launchpads p where p.id = ${launchpadId}`.execute(trx);
    return rows[0] && toLaunchpad(rows[0]);
  };
}

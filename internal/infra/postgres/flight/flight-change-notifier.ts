import { CompiledQuery, type Kysely } from "kysely";
import type { FlightChanges } from "../../../app/flight/ports.js";
import type { Logger } from "../../../app/ports.js";
import { preparedStatement } from "../prepared-statements.js";
import type { Database } from "../schema.js";
import { FLIGHT_CHANGES_CHANNEL } from "./flight-change-channel.js";

/**
 * The announcement: one notification per flight with its version as it is now (read here, after
 * the change committed, so it is never older than the change announced). Its own autocommit
 * transaction, not part of the change's: a transaction that has notified takes a lock on the
 * notification queue at commit, shared by every notifying transaction of the cluster (so that
 * queue order is commit order), and the change's transaction still holds the flight's row lock
 * then. Here the queue lock is taken with no row lock held, so it never lengthens a booking's
 * lock window, and a full queue (it fails the notifying commit) fails only the announcement.
 */
const NOTIFY_CHANGES = preparedStatement(
  "notify_flight_changes",
  `select pg_notify('${FLIGHT_CHANGES_CHANNEL}', id::text || ':' || version) from flights where id = any($1::uuid[])`,
);

/**
 * Announces flight changes after they committed, coalesced per replica: ids announced while an
 * announcement is in flight go together in the next one, and the same flight once, so a hot
 * flight costs one notification per round trip however many bookings commit meanwhile. An idle
 * replica announces at once (the next turn of the event loop). A failed announcement is logged
 * and dropped: watchers catch up at the flight's next change or at their listener's resync.
 */
export function createFlightChangeNotifier(db: Kysely<Database>, log: Logger): FlightChanges & { flush(): Promise<void> } {
  let pending = new Set<string>();
  let running: Promise<void> | undefined;

  const run = async (): Promise<void> => {
    while (pending.size > 0) {
      const ids = [...pending];
      pending = new Set();
      try {
        await db.executeQuery(CompiledQuery.raw(NOTIFY_CHANGES, [ids]));
      } catch (err) {
        log.warn({ err, flights: ids.length }, "announcing flight changes failed; watchers catch up later");
      }
    }
  };

  const start = () => {
    running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(run).finally(() => {
      running = undefined;
      if (pending.size > 0) start();
    });
  };

  return {
    changed(flightIds) {
      for (const id of flightIds) pending.add(id);
      if (pending.size > 0) start();
    },
    /** Resolves once every change announced so far was sent (before the pool closes at shutdown). */
    async flush() {
      while (running) await running;
    },
  };
}

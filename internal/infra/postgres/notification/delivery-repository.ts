import { type Kysely, sql } from "kysely";
import type { DeliveryRepository } from "../../../app/notification/ports.js";
import { decodeSeqCursor, encodeSeqCursor, keysetPage } from "../keyset-page.js";
import type { Database } from "../schema.js";
import { DELIVERY_COLUMNS, toDelivery } from "./rows.js";

/** The channel dispatchers LISTEN on (migrations/postgresql/0010_webhooks.sql notifies it too). */
export const WEBHOOK_CHANNEL = "spacet_webhooks";

/** Deliveries as operators list and retry them; `db` may be a transaction. */
export function createDeliveryRepository(db: Kysely<Database>): DeliveryRepository {
  return {
    async list(filter, page) {
      let q = db
        .selectFrom("webhook_deliveries")
        .select(DELIVERY_COLUMNS)
        .orderBy("seq", "desc")
        .limit(page.size + 1);
      if (page.after !== undefined) q = q.where("seq", "<", decodeSeqCursor(page.after));
      if (filter.status) q = q.where("status", "=", filter.status);
      if (filter.flightId) q = q.where("flight_id", "=", filter.flightId);
      const target = filter.targetId;
      if (target) q = q.where((eb) => eb.or([eb("alert_id", "=", target), eb("subscription_id", "=", target)]));
      return keysetPage(await q.execute(), page.size, toDelivery, (row) => encodeSeqCursor(row.seq));
    },

    async retryNow(id) {
      // A new lease token voids the outcome of an attempt still in flight: this retry starts
      // the schedule over and its own attempt decides.
      const row = await db
        .updateTable("webhook_deliveries")
        .set({ status: "pending", attempts: 0, next_attempt_at: sql`now()`, lease_token: null, completed_at: null })
        .where("id", "=", id)
        .returning(DELIVERY_COLUMNS)
        .executeTakeFirst();
      if (!row) return undefined;
      // Sent at commit: a dispatcher wakes at once instead of at its next poll.
      await sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`.execute(db);
      return toDelivery(row);
    },
  };
}

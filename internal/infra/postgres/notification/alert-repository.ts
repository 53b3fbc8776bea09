import type { Kysely } from "kysely";
import type { AlertRepository } from "../../../app/notification/ports.js";
import { decodeSeqCursor, encodeSeqCursor, keysetPage } from "../keyset-page.js";
import type { Database } from "../schema.js";
import { cancelPendingDeliveries } from "./cancel-pending.js";
import { toAlert } from "./rows.js";

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Alerts; `db` may be a transaction. */
export function createAlertRepository(db: Kysely<Database>): AlertRepository {
  return {
    async insert(alert, secret) {
      const when = alert.when;
      await db
        .insertInto("alerts")
        .values({
          id: alert.id,
          user_id: alert.userId,
          origin: alert.origin,
          destination: alert.destination,
          departure_date: "date" in when ? when.date : null,
          departure_month: "date" in when ? null : `${pad(when.year, 4)}-${pad(when.month, 2)}-01`,
          last_date: alert.lastDate,
          webhook_url: alert.webhookUrl,
          secret,
          created_at: alert.createdAt,
        })
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom("alerts").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
      return row && toAlert(row);
    },

    async list(filter, page) {
      // Keyset on the immutable seq, newest first (alerts_by_user serves a user's list).
      let q = db
        .selectFrom("alerts")
        .selectAll()
        .where("deleted_at", "is", null)
        .orderBy("seq", "desc")
        .limit(page.size + 1);
      if (page.after !== undefined) q = q.where("seq", "<", decodeSeqCursor(page.after));
      if (filter.userId) q = q.where("user_id", "=", filter.userId);
      return keysetPage(await q.execute(), page.size, toAlert, (row) => encodeSeqCursor(row.seq));
    },

    async delete(id, at) {
      await db.updateTable("alerts").set({ deleted_at: at }).where("id", "=", id).where("deleted_at", "is", null).execute();
      await cancelPendingDeliveries(db, "alert_id", id);
    },
  };
}

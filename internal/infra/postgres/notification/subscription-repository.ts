import type { Kysely } from "kysely";
import type { SubscriptionRepository } from "../../../app/notification/ports.js";
import { DomainError } from "../../../domain/errors.js";
import { decodeSeqCursor, encodeSeqCursor, keysetPage } from "../keyset-page.js";
import { isPgError, PG } from "../pg-errors.js";
import type { Database } from "../schema.js";
import { cancelPendingDeliveries } from "./cancel-pending.js";
import { toSubscription } from "./rows.js";

/** Flight subscriptions; `db` may be a transaction. */
export function createSubscriptionRepository(db: Kysely<Database>): SubscriptionRepository {
  return {
    async insert(s, secret) {
      try {
        await db
          .insertInto("flight_subscriptions")
          .values({ id: s.id, flight_id: s.flightId, user_id: s.userId, webhook_url: s.webhookUrl, secret, created_at: s.createdAt })
          .execute();
      } catch (e) {
        // The partial unique index decides between racing Subscribes, on any replica.
        if (isPgError(e, PG.uniqueViolation) && e.constraint === "flight_subscriptions_live_key") {
          throw new DomainError("already_exists", "SUBSCRIPTION_EXISTS", `user ${s.userId} already follows flight ${s.flightId}`, {
            metadata: { flight_id: s.flightId, user_id: s.userId },
            cause: e,
          });
        }
        throw e;
      }
    },

    async findLive(flightId, userId) {
      const row = await db
        .selectFrom("flight_subscriptions")
        .selectAll()
        .where("flight_id", "=", flightId)
        .where("user_id", "=", userId)
        .where("ended_at", "is", null)
        .executeTakeFirst();
      return row && toSubscription(row);
    },

    async unsubscribe(id, at) {
      await db
        .updateTable("flight_subscriptions")
        .set({ ended_at: at, ended_reason: "unsubscribed" })
        .where("id", "=", id)
        .where("ended_at", "is", null)
        .execute();
      await cancelPendingDeliveries(db, "subscription_id", id);
    },

    async list(filter, page) {
      let q = db
        .selectFrom("flight_subscriptions")
        .selectAll()
        .orderBy("seq", "desc")
        .limit(page.size + 1);
      if (page.after !== undefined) q = q.where("seq", "<", decodeSeqCursor(page.after));
      if (filter.userId) q = q.where("user_id", "=", filter.userId);
      if (filter.flightId) q = q.where("flight_id", "=", filter.flightId);
      return keysetPage(await q.execute(), page.size, toSubscription, (row) => encodeSeqCursor(row.seq));
    },
  };
}

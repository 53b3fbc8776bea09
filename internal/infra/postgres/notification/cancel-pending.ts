import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";

/**
 * Cancels what an endpoint still had waiting, when its alert is deleted, its subscription
 * ended by the user, or its endpoint disabled (410). A delivery being sent right now keeps
 * its lease; its outcome is recorded only while it is still pending (see delivery-queue.ts),
 * so the cancellation stands.
 */
export async function cancelPendingDeliveries(db: Kysely<Database>, target: "alert_id" | "subscription_id", id: string): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ status: "cancelled", completed_at: sql`now()`, lease_token: null })
    .where(target, "=", id)
    .where("status", "=", "pending")
    .execute();
}

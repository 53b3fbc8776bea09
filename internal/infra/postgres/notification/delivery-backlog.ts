import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";

/** How far the webhook dispatchers are behind, for /metrics: read on each scrape. */
export interface DeliveryBacklog {
  /** Deliveries waiting for an attempt (due or not, leased or not). */
  pending(): Promise<number>;
  /** Seconds since the oldest pending delivery was enqueued; 0 when none waits. */
  oldestPendingAgeSeconds(): Promise<number>;
}

/** Both read the pending rows only, through the partial index webhook_deliveries_due. */
export function createDeliveryBacklog(db: Kysely<Database>): DeliveryBacklog {
  return {
    async pending() {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where status = 'pending'`.execute(db);
      return rows[0].n;
    },
    async oldestPendingAgeSeconds() {
      const { rows } = await sql<{ age: number | null }>`
        select extract(epoch from now() - min(created_at))::float8 as age from webhook_deliveries where status = 'pending'`.execute(db);
      return Math.max(0, rows[0].age ?? 0);
    },
  };
}

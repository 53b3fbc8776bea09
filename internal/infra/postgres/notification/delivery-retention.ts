import { sql } from "kysely";
import { createRetention, type RetentionOptions } from "../retention.js";

/**
 * The webhook delivery retention job (WEBHOOK_CLEANUP_CRON): deletes deliveries that finished
 * (succeeded, failed or cancelled) more than WEBHOOK_RETENTION (`retentionMs`) ago and returns
 * how many went. Pending ones are never touched, so nothing still to be sent is lost; until the
 * retention passes, operators can list a finished delivery and retry it. See createRetention
 * for batches, replicas and the signal.
 */
export function createDeliveryRetention(opts: RetentionOptions): (signal?: AbortSignal) => Promise<number> {
  // Oldest first through webhook_deliveries_completed (0012). The conditions are repeated on the
  // row being deleted: an operator's retry may set an expired row back to pending after the
  // `expired` snapshot was taken, and a DELETE that waited for that row's lock re-checks only
  // its own WHERE against the new version (READ COMMITTED), so the retried row stays.
  const deleteBatch = (retentionMs: number, limit: number) => sql`
    with expired as (
       select id from webhook_deliveries
        where status <> 'pending' and completed_at < now() - make_interval(secs => ${retentionMs}::float8 / 1000)
        order by completed_at
        limit ${limit})
     delete from webhook_deliveries d using expired e
      where d.id = e.id and d.status <> 'pending' and d.completed_at < now() - make_interval(secs => ${retentionMs}::float8 / 1000)`;
  return createRetention(opts, deleteBatch, "deleted finished webhook deliveries past retention");
}

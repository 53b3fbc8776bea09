import { sql } from "kysely";
import { createRetention, type RetentionOptions } from "../postgres/retention.js";

/**
 * The outbox retention job (OUTBOX_CLEANUP_CRON): deletes events published more than
 * NOTIFICATIONS_RETENTION (`retentionMs`) ago and returns how many went. Unpublished events are
 * never touched. See createRetention for batches, replicas and the signal.
 */
export function createOutboxRetention(opts: RetentionOptions): (signal?: AbortSignal) => Promise<number> {
  // Oldest first through the outbox_published index. Leases left by relays that vanished are
  // swept here too (a live relay's passes always release their own at settle).
  const deleteBatch = (retentionMs: number, limit: number) => sql`
    with expired as (
       select id from outbox
        where published_at is not null and published_at < now() - make_interval(secs => ${retentionMs}::float8 / 1000)
        order by published_at
        limit ${limit}),
     stale_leases as (
       delete from outbox_leases
        where expires_at <= now() or owner_pid not in (select pid from pg_stat_activity))
     delete from outbox o using expired e where o.id = e.id`;
  return createRetention(opts, deleteBatch, "deleted published outbox events past retention");
}

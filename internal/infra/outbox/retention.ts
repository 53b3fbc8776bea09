import { type Kysely, sql } from "kysely";
import type { Logger } from "../../app/ports.js";
import type { Database } from "../postgres/schema.js";

/** Options of {@link createOutboxRetention}. */
export interface OutboxRetentionOptions {
  readonly db: Kysely<Database>;
  /** NOTIFICATIONS_RETENTION: published events older than this go. */
  readonly retentionMs: number;
  readonly log: Logger;
  /** Rows per DELETE (default 1,000). */
  readonly batchSize?: number;
  /** DELETEs per run at most (default 20): a large backlog of expired rows drains over several runs. */
  readonly maxBatches?: number;
}

/**
 * The outbox retention job (OUTBOX_CLEANUP_CRON): deletes events published more than
 * NOTIFICATIONS_RETENTION ago and returns how many went. Unpublished events are never touched.
 * Any number of replicas may run it at once: they delete the same expired rows, and a row
 * another one deleted first is simply not deleted twice. It stops between batches once
 * `signal` fires; a failure rejects (the scheduler logs it and the next run starts over).
 */
export function createOutboxRetention(opts: OutboxRetentionOptions): (signal?: AbortSignal) => Promise<number> {
  const batchSize = opts.batchSize ?? 1_000;
  const maxBatches = opts.maxBatches ?? 20;
  return async (signal) => {
    let deleted = 0;
    for (let i = 0; i < maxBatches && !signal?.aborted; i++) {
      const n = await deleteBatch(opts.db, opts.retentionMs, batchSize);
      deleted += n;
      if (n < batchSize) break;
    }
    if (deleted > 0) opts.log.info({ deleted }, "deleted published outbox events past retention");
    return deleted;
  };
}

async function deleteBatch(db: Kysely<Database>, retentionMs: number, limit: number): Promise<number> {
  // Bounded batches through the outbox_published index, so retention never holds locks on a
  // large range or bloats one transaction. Leases left by relays that vanished are swept here
  // too (a live relay's passes always release their own at settle).
  const { numAffectedRows } = await sql`
    with expired as (
       select id from outbox
        where published_at is not null and published_at < now() - make_interval(secs => ${retentionMs}::float8 / 1000)
        order by published_at
        limit ${limit}),
     stale_leases as (
       delete from outbox_leases
        where expires_at <= now() or owner_pid not in (select pid from pg_stat_activity))
     delete from outbox o using expired e where o.id = e.id`.execute(db);
  return Number(numAffectedRows ?? 0);
}

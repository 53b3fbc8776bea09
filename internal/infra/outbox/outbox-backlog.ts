import { type Kysely, sql } from "kysely";
import type { Database } from "../postgres/schema.js";

/** Counted exactly up to this many; a larger backlog reads as this (the scrape stays cheap). */
export const BACKLOG_COUNT_CAP = 1_000_000;

/** How far the relays are behind, for /metrics: read on each scrape, one statement each. */
export interface OutboxBacklog {
  /** Unpublished events (at most BACKLOG_COUNT_CAP). */
  pending(): Promise<number>;
  /** Seconds since the oldest unpublished event was written; 0 when nothing waits. */
  oldestPendingAgeSeconds(): Promise<number>;
}

/**
 * The backlog read through the relay's partial indexes, which hold unpublished rows only: a
 * scrape costs what the backlog costs, never a scan of the published rows retention keeps.
 */
export function createOutboxBacklog(db: Kysely<Database>): OutboxBacklog {
  return {
    async pending() {
      // An index-only scan of outbox_unpublished_by_due (or _by_aggregate): one entry per
      // unpublished row. The limit bounds a scrape during a long Pub/Sub outage, when the
      // backlog can reach millions.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from (select 1 from outbox where published_at is null limit ${BACKLOG_COUNT_CAP}) pending`.execute(db);
      return rows[0].n;
    },
    async oldestPendingAgeSeconds() {
      // The oldest unpublished event is the head (lowest seq) of its aggregate, so only heads
      // are read: the loose index scan of the relay's claim over outbox_unpublished_by_aggregate,
      // one index probe per aggregate with pending events, however many wait behind each head.
      const { rows } = await sql<{ age: number | null }>`
        with recursive heads as (
           (select aggregate_id, created_at from outbox
             where published_at is null
             order by aggregate_id, seq limit 1)
           union all
           select n.aggregate_id, n.created_at
             from heads h
             cross join lateral (select o.aggregate_id, o.created_at from outbox o
                                  where o.published_at is null and o.aggregate_id > h.aggregate_id
                                  order by o.aggregate_id, o.seq limit 1) n)
        select extract(epoch from now() - min(created_at))::float8 as age from heads`.execute(db);
      return Math.max(0, rows[0].age ?? 0);
    },
  };
}

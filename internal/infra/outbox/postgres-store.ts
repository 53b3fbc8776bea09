import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database } from "../postgres/schema.js";
import type { OutboxRelayStore, PendingEvent } from "./ports.js";

/**
 * The relay's SQL. `db` must always use the SAME session (postgres-session.ts): a lease
 * records that session's backend pid, so the session ending frees every lease taken through
 * it; within the session, each pass owns its leases by token. Each statement runs on its own (autocommit),
 * so no transaction stays open while the relay talks to Pub/Sub.
 */
export function createOutboxRelayStore(db: Kysely<Database>): OutboxRelayStore {
  return {
    async claim({ limit, leaseTtlMs, passes }) {
      // Ordering rule: an aggregate may be published only from its oldest unpublished event
      // (its head) on, by one pass at a time. A pass leases under its own random token: a
      // relay runs several passes at once on this one session, so the session cannot tell
      // them apart (0006_outbox_lease_token.sql).
      // - `heads` walks the partial index outbox_unpublished_by_aggregate (aggregate_id, seq)
      //   as a loose index scan: each step jumps to the first row of the next aggregate, which
      //   is that aggregate's head. Cost grows with the number of aggregates that have pending
      //   events, never with the backlog behind them (a flat scan of due rows would test every
      //   queued event of a busy aggregate, and one backing off would fill it with its new ones).
      // - Candidates: due heads (not backing off) under no live lease, oldest first. A lease is
      //   live while unexpired and its session exists, whoever holds it: a sibling pass of this
      //   relay is excluded like another relay.
      // - Spread: at most ⌈due / passes⌉ of them, so when the backlog sits on few aggregates
      //   the first pass does not take them all and leave the passes pipelined behind it idle.
      // - The upsert is the lock: passes racing for one aggregate serialise on its primary key,
      //   and ON CONFLICT re-checks the latest committed lease, so exactly one gets it (only the
      //   winner sees its row in RETURNING). A lease of a dead session or past its expiry is
      //   taken over; a live one, even of this session, never is. The candidate list comes
      //   from a snapshot and can be stale (another pass may have published the head
      //   meanwhile): loadPending reads afresh after the claim.
      // - next_due_ms: when the earliest head that is not due yet will be, from the same
      //   snapshot as the claim. Asked in a later statement instead, a head that came due in
      //   between would be neither claimed nor waited for, and the relay would sleep through
      //   its retry until the poll interval. Heads another relay holds count too: waking for
      //   them costs one empty claim. The one-row `n` carries it when nothing was leased.
      const token = randomUUID();
      const { rows } = await sql<{ aggregate_id: string | null; seq: string | null; next_due_ms: number | null }>`
        with recursive heads as (
           (select aggregate_id, seq, next_attempt_at from outbox
             where published_at is null
             order by aggregate_id, seq limit 1)
           union all
           select n.aggregate_id, n.seq, n.next_attempt_at
             from heads h
             cross join lateral (select o.aggregate_id, o.seq, o.next_attempt_at from outbox o
                                  where o.published_at is null and o.aggregate_id > h.aggregate_id
                                  order by o.aggregate_id, o.seq limit 1) n),
         due as (
           select * from heads where next_attempt_at <= now()),
         candidates as (
           select d.aggregate_id from due d
            where not exists (select 1 from outbox_leases l
                               where l.aggregate_id = d.aggregate_id
                                 and l.expires_at > now()
                                 and l.owner_pid in (select pid from pg_stat_activity))
            order by d.next_attempt_at, d.seq
            limit least(${limit}::int, ceil((select count(*) from due) / ${Math.max(1, passes)}::float8)::int)),
         leased as (
           insert into outbox_leases (aggregate_id, owner_pid, token, expires_at)
           select aggregate_id, pg_backend_pid(), ${token}::uuid, now() + make_interval(secs => ${leaseTtlMs}::float8 / 1000) from candidates
           on conflict (aggregate_id) do update
              set owner_pid = excluded.owner_pid, token = excluded.token, expires_at = excluded.expires_at
            where outbox_leases.expires_at <= now()
               or outbox_leases.owner_pid not in (select pid from pg_stat_activity)
           returning aggregate_id)
         select c.aggregate_id, c.seq::text as seq, n.next_due_ms
           from (select ceil(extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as next_due_ms
                   from heads where next_attempt_at > now()) n
           left join (select h.* from leased l join heads h using (aggregate_id)) c on true
          order by c.next_attempt_at, c.seq`.execute(db);
      return {
        token,
        aggregates: rows.flatMap((r) => (r.aggregate_id === null || r.seq === null ? [] : [{ aggregateId: r.aggregate_id, headSeq: r.seq }])),
        nextDueInMs: rows[0]?.next_due_ms ?? undefined,
      };
    },

    async loadPending(claimed, limit) {
      // Each aggregate's first ⌈limit / aggregates⌉ pending events: every aggregate gets its
      // share, and each share is a prefix of its pending events, so nothing is skipped over.
      // `seq >= head` is implied (nothing before the claimed head is pending; published never
      // reverts) but stated, so that even a plan that walks the seq index (the planner picks it
      // when stale statistics say most rows are unpublished) starts at the head instead of
      // reading every published row the retention keeps.
      // One row per aggregate, its events as a JSON array of arrays: the relay is CPU-bound in
      // Node, and one JSON.parse costs about half of what decoding a result row per event does
      // (bench/outbox.ts). The payload travels as a JSON string, so it arrives exactly as
      // payload::text; created_at as whole epoch milliseconds, the precision of a JS Date.
      if (claimed.length === 0) return [];
      const { rows } = await sql<{ aggregate_id: string; events: string | null }>`
        select a.aggregate_id,
                (select json_agg(json_build_array(o.id, o.aggregate_type, o.event_type, o.payload::text,
                                                  floor(extract(epoch from o.created_at) * 1000),
                                                  o.attempts, o.next_attempt_at <= now())
                                 order by o.seq)::text
                   from (select * from outbox o
                          where o.aggregate_id = a.aggregate_id and o.published_at is null and o.seq >= a.head_seq
                          order by o.seq
                          limit ${Math.ceil(limit / claimed.length)}) o) as events
           from unnest(${claimed.map((c) => c.aggregateId)}::text[], ${claimed.map((c) => c.headSeq)}::bigint[]) as a(aggregate_id, head_seq)`.execute(db);
      return rows.flatMap((r) => (r.events === null ? [] : (JSON.parse(r.events) as EventTuple[]).map((e) => toPendingEvent(r.aggregate_id, e))));
    },

    async settle(lease, published, failures) {
      // One round trip and one transaction: the marks, the failure records and the lease
      // release commit together, so no other pass can claim an aggregate and see it half
      // settled. Only the leases taken under this pass's token go (found through the primary
      // key): a sibling pass's stay, and so does one another relay took over after this
      // pass's lease died or expired. A failure is recorded on the aggregate's head (attempts, last_error) and its
      // delay applied to all its pending events, which keeps them out of the claim's due-index
      // scan while it backs off. The two UPDATEs touch disjoint rows (published ids excluded).
      const aggregateIds = lease.aggregates.map((a) => a.aggregateId);
      await sql`
        with marked as (
           update outbox set published_at = now()
            where id = any(${published}::uuid[]) and published_at is null),
         failures as (
           select * from unnest(${failures.map((f) => f.aggregateId)}::text[], ${failures.map((f) => f.eventId)}::uuid[],
                                ${failures.map((f) => f.error)}::text[], ${failures.map((f) => Math.max(0, Math.round(f.retryInMs)))}::int[])
                    as f(aggregate_id, event_id, error, retry_in_ms)),
         backed_off as (
           update outbox o
              set attempts = o.attempts + case when o.id = f.event_id then 1 else 0 end,
                  last_error = case when o.id = f.event_id then f.error else o.last_error end,
                  next_attempt_at = now() + make_interval(secs => f.retry_in_ms::float8 / 1000)
             from failures f
            where o.aggregate_id = f.aggregate_id and o.published_at is null and o.id <> all(${published}::uuid[])),
         released as (
           delete from outbox_leases where aggregate_id = any(${aggregateIds}::text[]) and token = ${lease.token}::uuid)
         select 1`.execute(db);
    },
  };
}

/** One event as loadPending's JSON carries it, in the order of its json_build_array. */
type EventTuple = [id: string, aggregateType: string, eventType: string, payloadJson: string, createdAtMs: number, attempts: number, due: boolean];

function toPendingEvent(aggregateId: string, [id, aggregateType, eventType, payloadJson, createdAtMs, attempts, due]: EventTuple): PendingEvent {
  return { id, aggregateType, aggregateId, eventType, payloadJson, createdAt: new Date(createdAtMs), attempts, due };
}

import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { ClaimedDelivery, DeliveryQueue } from "../../../app/notification/ports.js";
import { describeResult } from "../../../domain/notification/delivery.js";
import type { Database } from "../schema.js";

/** last_error is a summary for operators, never a receiver's whole answer. */
const ERROR_MAX_CHARS = 500;

/**
 * The webhook queue on `db` (the pool: every call is its own short autocommit statement).
 *
 * Claim: one statement picks due rows with FOR UPDATE SKIP LOCKED, so dispatchers on any
 * number of replicas never wait for each other nor take the same row, and leases them by moving
 * next_attempt_at to the lease's end under a fresh token. It commits before anything is sent.
 * A dispatcher that dies mid-send leaves the row pending with next_attempt_at = lease end: the
 * row is due again then, and another dispatcher sends it (at least once; receivers dedupe on
 * webhook-id). The lease must outlast the send timeout (config checks it), so a live sender
 * always records before its row can be taken over.
 *
 * Record: conditional on the claim's token and status still pending, so a retry or cancel that
 * happened meanwhile, or a takeover after the lease ran out, is never overwritten.
 */
export function createDeliveryQueue(db: Kysely<Database>): DeliveryQueue {
  return {
    async claim(limit, leaseMs) {
      const token = randomUUID();
      const { rows } = await sql<ClaimedDelivery>`
        with due as (
          select id from webhook_deliveries
           where status = 'pending' and next_attempt_at <= now()
           order by next_attempt_at
           limit ${limit}
           for update skip locked
        ), claimed as (
          update webhook_deliveries d
             set attempts = d.attempts + 1, lease_token = ${token}::uuid,
                 next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), last_attempt_at = now()
            from due where d.id = due.id
          returning d.id, d.event_type, d.body, d.attempts, d.alert_id, d.subscription_id
        )
        select c.id, c.event_type as "eventType", c.body, c.attempts, ${token}::text as "leaseToken",
               coalesce(a.webhook_url, s.webhook_url) as url, coalesce(a.secret, s.secret) as secret
          from claimed c
          left join alerts a on a.id = c.alert_id
          left join flight_subscriptions s on s.id = c.subscription_id`.execute(db);
      return rows;
    },

    async record(delivery, result, outcome) {
      const statusCode = result.kind === "response" ? result.statusCode : null;
      const error = describeResult(result)?.slice(0, ERROR_MAX_CHARS) ?? null;
      const mine = sql`id = ${delivery.id} and lease_token = ${delivery.leaseToken}::uuid and status = 'pending'`;
      if (outcome.status === "pending") {
        await sql`
          update webhook_deliveries
             set next_attempt_at = now() + make_interval(secs => ${outcome.retryInMs / 1000}), lease_token = null,
                 last_status_code = ${statusCode}, last_error = ${error}
           where ${mine}`.execute(db);
        return;
      }
      const disable = outcome.status === "failed" && outcome.disableEndpoint;
      // One statement: the outcome, and for a 410 the endpoint disabled with everything it
      // still had waiting cancelled (data-modifying CTEs all run, whatever the final select reads).
      await sql`
        with done as (
          update webhook_deliveries
             set status = ${outcome.status}, completed_at = now(), lease_token = null,
                 last_status_code = ${statusCode}, last_error = ${outcome.status === "failed" ? (outcome.error ?? error) : null}
           where ${mine}
          returning alert_id, subscription_id
        ), disabled_alert as (
          update alerts set disabled_at = now()
           where ${disable} and disabled_at is null and id = (select alert_id from done)
          returning id
        ), disabled_subscription as (
          update flight_subscriptions set disabled_at = now()
           where ${disable} and disabled_at is null and id = (select subscription_id from done)
          returning id
        )
        update webhook_deliveries
           set status = 'cancelled', completed_at = now(), lease_token = null
         where status = 'pending' and id <> ${delivery.id}
           and (alert_id in (select id from disabled_alert) or subscription_id in (select id from disabled_subscription))`.execute(db);
    },

    async msUntilNextDue() {
      // The database's clock decides when a row is due, so the wait is measured by it too.
      // No pending row is NULL, "nothing to wait for" (greatest() would turn it into 0, "due
      // now", and an idle dispatcher would claim in a loop), so the clamp happens here.
      const { rows } = await sql<{ ms: number | null }>`
        select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms
          from webhook_deliveries where status = 'pending'`.execute(db);
      const ms = rows[0].ms;
      return ms === null ? undefined : Math.max(0, ms);
    },
  };
}

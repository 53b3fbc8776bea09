import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../../app/ports.js";
import { BACKLOG_COUNT_CAP, type OutboxBacklog } from "../outbox/outbox-backlog.js";
import type { DeliveryBacklog } from "../postgres/notification/delivery-backlog.js";
import { registerCollectedGauge } from "./collected-gauge.js";

/** What pg.Pool counts (its public counters). */
export interface PoolCounters {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * The gauges read on scrape once the database is open: the pool's connections (from its own
 * counters, no query), the outbox backlog (one statement each, through the relay's indexes) and
 * the webhook deliveries waiting (through the dispatchers' partial index).
 */
export function registerDatabaseGauges(registry: Registry, deps: { pool: PoolCounters; backlog: OutboxBacklog; webhooks: DeliveryBacklog; log: Logger }): void {
  const registers = [registry];
  const { pool, backlog, webhooks, log } = deps;
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  poolGauge("spacet_pg_pool_total", "Connections the PostgreSQL pool holds, busy or idle.", () => pool.totalCount);
  poolGauge("spacet_pg_pool_idle", "Connections of the PostgreSQL pool not checked out.", () => pool.idleCount);
  poolGauge("spacet_pg_pool_waiting", "Queries waiting for a connection of the PostgreSQL pool.", () => pool.waitingCount);
  registerCollectedGauge({
    registry,
    name: "spacet_outbox_backlog",
    help: `Outbox events not yet published (counted up to ${BACKLOG_COUNT_CAP.toLocaleString("en-US")}).`,
    read: () => backlog.pending(),
    log,
  });
  registerCollectedGauge({
    registry,
    name: "spacet_outbox_publish_lag_seconds",
    help: "Age of the oldest outbox event not yet published; 0 when none waits.",
    read: () => backlog.oldestPendingAgeSeconds(),
    log,
  });
  registerCollectedGauge({
    registry,
    name: "spacet_webhook_pending",
    help: "Webhook deliveries waiting for an attempt (due now or later).",
    read: () => webhooks.pending(),
    log,
  });
  registerCollectedGauge({
    registry,
    name: "spacet_webhook_oldest_pending_age_seconds",
    help: "Age of the oldest webhook delivery still pending; 0 when none waits.",
    read: () => webhooks.oldestPendingAgeSeconds(),
    log,
  });
}

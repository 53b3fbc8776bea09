import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import { createOutboxRetention } from "../../internal/infra/outbox/retention.js";
import { createDeliveryRetention } from "../../internal/infra/postgres/notification/delivery-retention.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import type { CronJob } from "../../internal/infra/scheduler/cron-scheduler.js";

/**
 * The retention jobs, run on every replica (each deletes in bounded batches, and replicas
 * deleting at once delete every expired row once):
 * - outbox (OUTBOX_CLEANUP_CRON): published events older than NOTIFICATIONS_RETENTION;
 * - webhook deliveries (WEBHOOK_CLEANUP_CRON): deliveries finished longer ago than WEBHOOK_RETENTION.
 */
export function retentionJobs(deps: { db: Kysely<Database>; config: Pick<Config, "notifications" | "webhooks" | "schedules">; log: Logger }): CronJob[] {
  const { db, config, log } = deps;
  const outbox = createOutboxRetention({ db, retentionMs: config.notifications.retentionMs, log: log.child({ component: "outbox-retention" }) });
  const deliveries = createDeliveryRetention({ db, retentionMs: config.webhooks.retentionMs, log: log.child({ component: "webhook-retention" }) });
  return [
    retentionJob("outbox-retention", config.schedules.outboxCleanup, outbox),
    retentionJob("webhook-retention", config.schedules.webhookCleanup, deliveries),
  ];
}

/** A retention run on `cron`; what it deleted is its own log line. */
function retentionJob(name: string, cron: string, retention: (signal?: AbortSignal) => Promise<number>): CronJob {
  return {
    name,
    cron,
    run: async ({ signal }) => {
      await retention(signal);
    },
  };
}

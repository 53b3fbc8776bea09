import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import { createOutboxRetention } from "../../internal/infra/outbox/retention.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import type { CronJob } from "../../internal/infra/scheduler/cron-scheduler.js";

/**
 * The outbox retention as a recurring job (OUTBOX_CLEANUP_CRON): published events older than
 * NOTIFICATIONS_RETENTION are deleted, on every replica that runs it (see createOutboxRetention).
 */
export function outboxRetentionJob(deps: { db: Kysely<Database>; config: Pick<Config, "notifications" | "schedules">; log: Logger }): CronJob {
  const retention = createOutboxRetention({
    db: deps.db,
    retentionMs: deps.config.notifications.retentionMs,
    log: deps.log.child({ component: "outbox-retention" }),
  });
  return {
    name: "outbox-retention",
    cron: deps.config.schedules.outboxCleanup,
    run: async ({ signal }) => {
      await retention(signal);
    },
  };
}

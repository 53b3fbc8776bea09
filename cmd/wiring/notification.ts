import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import { createCreateAlert } from "../../internal/app/notification/create-alert.js";
import { createDeleteAlert } from "../../internal/app/notification/delete-alert.js";
import { createDeliverOne } from "../../internal/app/notification/deliver-one.js";
import { createListAlerts } from "../../internal/app/notification/list-alerts.js";
import { createListDeliveries } from "../../internal/app/notification/list-deliveries.js";
import { createListSubscriptions } from "../../internal/app/notification/list-subscriptions.js";
import { createRetryDelivery } from "../../internal/app/notification/retry-delivery.js";
import { createSubscribe } from "../../internal/app/notification/subscribe.js";
import { createUnsubscribe } from "../../internal/app/notification/unsubscribe.js";
import type { Clock, CounterMetric, IdGenerator } from "../../internal/app/ports.js";
import { backoffDelay } from "../../pkg/backoff/backoff.js";
import { openDedicatedConnection } from "../../internal/infra/postgres/dedicated-connection.js";
import { WEBHOOK_CHANNEL } from "../../internal/infra/postgres/notification/delivery-repository.js";
import { createDeliveryQueue } from "../../internal/infra/postgres/notification/delivery-queue.js";
import { createNotificationRepositories } from "../../internal/infra/postgres/notification/repositories.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createUnitOfWork } from "../../internal/infra/postgres/unit-of-work.js";
import type { CronJob } from "../../internal/infra/scheduler/cron-scheduler.js";
import { createDispatcher } from "../../internal/infra/webhooks/dispatcher.js";
import { createHttpSender } from "../../internal/infra/webhooks/http-sender.js";
import { generateSecret } from "../../internal/infra/webhooks/signature.js";
import { createWebhookUrlCheck } from "../../internal/infra/webhooks/url-check.js";
import { outboxWriter } from "./outbox.js";

/** The settings the notification context reads. */
export type WebhookSettings = Config["webhooks"];

/**
 * The notification context's use cases (alerts, subscriptions, deliveries for operators),
 * wired to Postgres. Deliveries are not enqueued here: the outbox trigger of migration 0010
 * does it in every flight change's transaction.
 */
export function createNotificationUseCases(deps: { db: Kysely<Database>; settings: WebhookSettings; clock?: Clock; ids?: IdGenerator }) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const uow = createUnitOfWork(deps.db, createNotificationRepositories, outboxWriter(ids));
  const checkUrl = createWebhookUrlCheck({ allowHttp: deps.settings.allowHttp, allowedCidrs: deps.settings.allowedCidrs });
  const secrets = generateSecret;
  return {
    clock,
    createAlert: createCreateAlert({ uow, clock, ids, secrets, checkUrl }),
    listAlerts: createListAlerts({ uow }),
    deleteAlert: createDeleteAlert({ uow, clock }),
    subscribe: createSubscribe({ uow, clock, ids, secrets, checkUrl }),
    unsubscribe: createUnsubscribe({ uow, clock }),
    listSubscriptions: createListSubscriptions({ uow }),
    listDeliveries: createListDeliveries({ uow }),
    retryDelivery: createRetryDelivery({ uow }),
  };
}
export type NotificationUseCases = ReturnType<typeof createNotificationUseCases>;

export interface RunningDispatcher {
  /** The fallback poll (WEBHOOK_POLL_CRON), for the scheduler. */
  readonly job: CronJob;
  /** Stops listening and claiming, lets the sends in flight finish within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The webhook dispatcher of this replica: claims due deliveries from the shared queue, sends
 * them signed through the SSRF-filtering sender and records each outcome. A dedicated
 * connection LISTENs for enqueued deliveries (the trigger NOTIFYs at commit); the cron job
 * polls as a fallback.
 */
export function startWebhookDispatcher(deps: {
  dsn: string;
  db: Kysely<Database>;
  settings: WebhookSettings;
  app: { name: string; version: string };
  pollCron: string;
  log: Logger;
  results?: CounterMetric<"result">;
  /** Whether the service began to stop (failures then are expected: logged at debug). */
  stopping?: () => boolean;
}): RunningDispatcher {
  const { settings } = deps;
  const log = deps.log.child({ component: "webhook-dispatcher" });
  const queue = createDeliveryQueue(deps.db);
  const sender = createHttpSender({ allowedCidrs: settings.allowedCidrs, timeoutMs: settings.timeoutMs, userAgent: `SpaceT-Webhooks/${deps.app.version}` });
  const deliverOne = createDeliverOne({ queue, sender, policy: { delaysMs: settings.retryDelaysMs, jitter: settings.retryJitter }, results: deps.results });
  const dispatcher = createDispatcher({
    queue,
    deliverOne,
    maxInFlight: settings.maxInFlight,
    leaseMs: settings.leaseMs,
    maxIdleMs: settings.leaseMs,
    log,
    stopping: deps.stopping,
  });
  // A commit that enqueues deliveries NOTIFYs (migration 0010): this replica's own LISTEN
  // session wakes the dispatcher, and so does every (re)connection (notifications sent while
  // it was down are lost, so it looks for due rows itself).
  const listener = openDedicatedConnection({
    dsn: deps.dsn,
    applicationName: `${deps.app.name}-webhooks`,
    name: "webhook listener",
    setUp: (c) => c.query(`listen ${WEBHOOK_CHANNEL}`),
    onNotification: () => dispatcher.wake(),
    onConnected: () => dispatcher.wake(),
    reconnectDelayMs: (failures) => backoffDelay(failures, { firstMs: 100, maxMs: 5_000 }),
    log,
    stopping: deps.stopping,
  });
  return {
    job: {
      name: "webhook-poll",
      cron: deps.pollCron,
      run: async () => dispatcher.wake(),
    },
    async stop(graceMs) {
      await listener.close();
      await dispatcher.stop(graceMs);
    },
  };
}

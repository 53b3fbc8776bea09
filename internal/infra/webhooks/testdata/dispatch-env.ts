import { startWebhookDispatcher, type WebhookSettings } from "../../../../cmd/wiring/notification.js";
import { useNotificationUseCases, webhookSettings } from "../../../app/notification/testdata/notification-use-cases.js";
import type { Principal } from "../../../domain/identity/principal.js";
import { flightPlan, insertUser } from "../../../testkit/flight-fixtures.js";
import { pinoSilent } from "./silent-log.js";

/** Short, jitter-free settings so retries happen within a test. */
export const FAST: Partial<WebhookSettings> = { retryDelaysMs: [100, 100, 100, 100, 100, 100, 100], retryJitter: 0, timeoutMs: 500, leaseMs: 1_500 };

/**
 * A file's database with the flight and notification use cases, plus dispatchers wired as in
 * the server (LISTEN included) that each test starts and stops.
 */
export function useDispatchEnv() {
  const ctx = useNotificationUseCases();
  const dsn = () => (ctx.handle.pool.options as { connectionString: string }).connectionString;
  return {
    ctx,
    /** A dispatcher of this process with FAST settings overlaid by `overrides`. */
    dispatcher(overrides: Partial<WebhookSettings> = {}) {
      return startWebhookDispatcher({
        dsn: dsn(),
        db: ctx.handle.db,
        settings: webhookSettings({ ...FAST, ...overrides }),
        app: { name: "spacet-test", version: "0.0.0" },
        pollCron: "* * * * *",
        log: pinoSilent,
      });
    },
    /**
     * One pending delivery to `url`: a flight, a user subscribed with that URL, and a status
     * change. Returns its id and the endpoint's secret.
     */
    async oneDelivery(url: string, user?: Principal): Promise<{ deliveryId: string; secret: string; flightId: string; subscriptionId: string }> {
      const flight = await ctx.uc.createFlight(flightPlan());
      const subscriber = user ?? (await insertUser(ctx.handle.db));
      const { subscription, secret } = await ctx.notifications.subscribe(subscriber, { flightId: flight.id, webhookUrl: url });
      await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "delayed" });
      const row = await ctx.handle.db.selectFrom("webhook_deliveries").select("id").where("subscription_id", "=", subscription.id).executeTakeFirstOrThrow();
      return { deliveryId: row.id, secret, flightId: flight.id, subscriptionId: subscription.id };
    },
    /** A delivery's row as operators see it. */
    async delivery(id: string) {
      return ctx.handle.db
        .selectFrom("webhook_deliveries")
        .select(["status", "attempts", "last_status_code", "last_error"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
    },
  };
}

import { createNotificationUseCases, type NotificationUseCases, type WebhookSettings } from "../../../../cmd/wiring/notification.js";
import { loadConfig } from "../../../../config/config.js";
import { type FlightTestContext, useFlightUseCases } from "../../flight/testdata/flight-use-cases.js";

/** The shipped webhook settings with local receivers allowed (http, 127.0.0.0/8) and `overrides`. */
export function webhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return { ...loadConfig({ env: {} }).webhooks, allowHttp: true, allowedCidrs: ["127.0.0.0/8"], ...overrides };
}

/**
 * Registers `before`/`after` hooks that give the calling file its own database with the flight
 * and notification use cases over it, wired as in the server.
 */
export function useNotificationUseCases(
  opts: { settings?: Partial<WebhookSettings> } = {},
): FlightTestContext & { readonly notifications: NotificationUseCases } {
  const flights = useFlightUseCases();
  let notifications: NotificationUseCases | undefined;
  return {
    get handle() {
      return flights.handle;
    },
    get uc() {
      return flights.uc;
    },
    with: (o) => flights.with(o),
    get notifications() {
      notifications ??= createNotificationUseCases({ db: flights.handle.db, settings: webhookSettings(opts.settings) });
      return notifications;
    },
  };
}

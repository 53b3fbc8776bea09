import { type Kysely, sql } from "kysely";
import type { FlightState, NotificationTx } from "../../../app/notification/ports.js";
import type { Database } from "../schema.js";
import { createAlertRepository } from "./alert-repository.js";
import { createDeliveryRepository } from "./delivery-repository.js";
import { createSubscriptionRepository } from "./subscription-repository.js";

/** The notification context's repositories over `db` (the pool or one transaction), for createUnitOfWork. */
export function createNotificationRepositories(db: Kysely<Database>): NotificationTx {
  return {
    alerts: createAlertRepository(db),
    subscriptions: createSubscriptionRepository(db),
    deliveries: createDeliveryRepository(db),
    flights: {
      async lockShared(flightId) {
        // FOR SHARE conflicts with the row locks of CancelFlight, UpdateFlightStatus and the
        // coordinator: a flight change either committed before this read or waits for the
        // subscription to commit, and its outbox trigger then sees the subscription.
        const { rows } = await sql<FlightState>`
          select status, operational_status as "operationalStatus" from flights where id = ${flightId} for share`.execute(db);
        return rows[0];
      },
    },
  };
}

import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ServerReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { AuthService } from "../../gen/spacet/v1/auth_pb.js";
import { BookingService } from "../../gen/spacet/v1/booking_pb.js";
import { FlightBookingService } from "../../gen/spacet/v1/flight_booking_pb.js";
import { FlightService } from "../../gen/spacet/v1/flight_pb.js";
import { LaunchService } from "../../gen/spacet/v1/launch_pb.js";
import { LaunchpadService } from "../../gen/spacet/v1/launchpad_pb.js";
import { SyncService } from "../../gen/spacet/v1/sync_pb.js";
import { AlertService } from "../../gen/spacet/v1/alert_pb.js";
import { SubscriptionService } from "../../gen/spacet/v1/subscription_pb.js";
import { WebhookService } from "../../gen/spacet/v1/webhook_pb.js";
import { createAlertHandler } from "../../internal/controller/notification/alert-handler.js";
import { createSubscriptionHandler } from "../../internal/controller/notification/subscription-handler.js";
import { createWebhookHandler } from "../../internal/controller/notification/webhook-handler.js";
import type { NotificationUseCases } from "./notification.js";
import type { PageTokenCodec } from "../../pkg/page-token/page-token.js";
import { createFlightBookingHandler } from "../../internal/controller/flight/flight-booking-handler.js";
import { createFlightHandler } from "../../internal/controller/flight/flight-handler.js";
import { createAuthHandler } from "../../internal/controller/identity/auth-handler.js";
import { bookingFieldRules } from "../../internal/controller/launch/booking-field-rules.js";
import { createBookingHandler } from "../../internal/controller/launch/booking-handler.js";
import { createLaunchHandler } from "../../internal/controller/launch/launch-handler.js";
import { createLaunchpadHandler } from "../../internal/controller/launch/launchpad-handler.js";
import { createSyncHandler } from "../../internal/controller/spacex-sync/sync-handler.js";
import type { WatchFlight } from "../../internal/app/flight/flight-watch.js";
import type { FlightUseCases } from "./flight.js";
import type { Identity } from "./identity.js";
import type { LaunchUseCases } from "./launch.js";
import type { SpacexSync } from "./spacex-sync.js";

/** The domain's field rules per method, merged into protovalidate's answer (field-rules-interceptor.ts). */
export function createFieldRules(uc: LaunchUseCases) {
  return bookingFieldRules(uc);
}

/** The product's services (health and reflection are added by the server). Each method declares its access in the protos. */
export const API_SERVICES = [
  BookingService,
  LaunchpadService,
  LaunchService,
  SyncService,
  AuthService,
  FlightService,
  FlightBookingService,
  AlertService,
  SubscriptionService,
  WebhookService,
] as const;

/**
 * Protocol services whose protos are not ours, open to anyone by this explicit list (not by a
 * hole in deny-by-default): Kubernetes and load balancers probe health without credentials,
 * and reflection only describes the API (every call it enables is still checked).
 */
export const PROTOCOL_SERVICES = [Health, ServerReflectionV1, ServerReflectionV1alpha] as const;

export function createApiRoutes(
  uc: LaunchUseCases,
  pageTokens: PageTokenCodec,
  sync: Pick<SpacexSync, "getSyncStatus" | "runSyncNow">,
  identity: Pick<Identity, "register" | "login" | "getMe">,
  flights: FlightUseCases & { watchFlight: WatchFlight },
  notifications: NotificationUseCases,
) {
  return (router: ConnectRouter) => {
    router.service(BookingService, createBookingHandler({ ...uc, pageTokens }));
    router.service(LaunchpadService, createLaunchpadHandler(uc));
    router.service(LaunchService, createLaunchHandler({ ...uc, pageTokens }));
    router.service(SyncService, createSyncHandler(sync));
    router.service(AuthService, createAuthHandler(identity));
    router.service(FlightService, createFlightHandler({ ...flights, pageTokens }));
    router.service(FlightBookingService, createFlightBookingHandler({ ...flights, pageTokens }));
    router.service(AlertService, createAlertHandler({ ...notifications, pageTokens }));
    router.service(SubscriptionService, createSubscriptionHandler({ ...notifications, pageTokens }));
    router.service(WebhookService, createWebhookHandler({ ...notifications, pageTokens }));
  };
}

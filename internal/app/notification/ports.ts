import type { Alert } from "../../domain/notification/alert.js";
import type { AttemptOutcome, AttemptResult, DeliveryStatus, WebhookDelivery } from "../../domain/notification/delivery.js";
import type { Subscription } from "../../domain/notification/subscription.js";
import type { FieldViolation } from "../../domain/errors.js";
import type { Page, PageRequest, UnitOfWork } from "../ports.js";

/** Alerts in the database. */
export interface AlertRepository {
  /** Stores a new alert with its signing secret. */
  insert(alert: Alert, secret: string): Promise<void>;
  /** A live (not deleted) alert. */
  get(id: string): Promise<Alert | undefined>;
  /** Live alerts newest first, one user's when `userId` is set. */
  list(filter: { readonly userId?: string }, page: PageRequest): Promise<Page<Alert>>;
  /** Deletes an alert (it matches nothing more) and cancels its pending deliveries. */
  delete(id: string, at: Date): Promise<void>;
}

/** Flight subscriptions in the database. */
export interface SubscriptionRepository {
  /** Throws DomainError SUBSCRIPTION_EXISTS (already_exists) when the user already follows the flight. */
  insert(subscription: Subscription, secret: string): Promise<void>;
  /** The user's live subscription to a flight. */
  findLive(flightId: string, userId: string): Promise<Subscription | undefined>;
  /** Ends a live subscription (unsubscribed) and cancels its pending deliveries. */
  unsubscribe(id: string, at: Date): Promise<void>;
  /** Newest first, all of them (ended ones too), filtered by user and flight. */
  list(filter: { readonly userId?: string; readonly flightId?: string }, page: PageRequest): Promise<Page<Subscription>>;
}

/** What Subscribe needs to know of the flight, read under a share lock (see FlightGate). */
export interface FlightState {
  readonly status: "open" | "closed" | "cancelled";
  readonly operationalStatus: string;
}

/**
 * The flight as Subscribe sees it. `lockShared` holds the flight's row in share mode until
 * commit: a CancelFlight or status change either committed before (and is seen) or waits for
 * the subscription to commit (and then notifies it), so no subscription misses its flight's end.
 */
export interface FlightGate {
  lockShared(flightId: string): Promise<FlightState | undefined>;
}

/** Filters of ListWebhookDeliveries. */
export interface DeliveryFilter {
  readonly status?: DeliveryStatus;
  readonly flightId?: string;
  /** An alert or subscription id. */
  readonly targetId?: string;
}

/** Deliveries as operators see and retry them. */
export interface DeliveryRepository {
  list(filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDelivery>>;
  /** Makes a delivery pending and due now with a fresh schedule; undefined when there is none. */
  retryNow(id: string): Promise<WebhookDelivery | undefined>;
}

export interface NotificationTx {
  readonly alerts: AlertRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  readonly flights: FlightGate;
}

export type NotificationUnitOfWork = UnitOfWork<NotificationTx>;

/** Decides whether a webhook URL may be registered; violations name `field`. */
export type WebhookUrlCheck = (url: string, field: string) => readonly FieldViolation[];

/** A fresh Standard Webhooks secret (whsec_ + base64 of random bytes). */
export type SecretGenerator = () => string;

/** A delivery claimed for one attempt (its lease is held until `record`). */
export interface ClaimedDelivery {
  readonly id: string;
  readonly eventType: string;
  /** The exact bytes to send and sign. */
  readonly body: string;
  readonly url: string;
  readonly secret: string;
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly leaseToken: string;
}

/**
 * The deliveries waiting to be sent, shared by every dispatcher of every replica. A claim
 * commits before anything is sent, and the outcome is recorded in its own statement: nothing
 * is sent inside a transaction, and a sender that dies mid-send leaves a lease that expires.
 */
export interface DeliveryQueue {
  /** Claims up to `limit` due deliveries for `leaseMs`, counting the attempt. */
  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt's outcome, only if the lease is still this claim's. */
  record(delivery: ClaimedDelivery, result: AttemptResult, outcome: AttemptOutcome): Promise<void>;
  /** Milliseconds until the next pending delivery falls due (0 if one is due), by the database clock; undefined when none waits. */
  msUntilNextDue(): Promise<number | undefined>;
}

/** Sends one signed delivery; never throws: every failure is an AttemptResult. */
export interface WebhookSender {
  send(delivery: ClaimedDelivery, signal?: AbortSignal): Promise<AttemptResult>;
}

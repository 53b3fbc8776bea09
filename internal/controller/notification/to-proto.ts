import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Alert as AlertMsg, AlertSchema, AlertStatus } from "../../../gen/spacet/v1/alert_pb.js";
import { type Subscription as SubscriptionMsg, SubscriptionSchema, SubscriptionStatus } from "../../../gen/spacet/v1/subscription_pb.js";
import {
  type WebhookDelivery as WebhookDeliveryMsg,
  WebhookDeliverySchema,
  WebhookDeliveryStatus,
  WebhookTargetKind,
} from "../../../gen/spacet/v1/webhook_pb.js";
import { toProtoEnum } from "../../../pkg/proto-enum/proto-enum.js";
import { type Alert, alertStatus } from "../../domain/notification/alert.js";
import type { WebhookDelivery } from "../../domain/notification/delivery.js";
import { type Subscription, subscriptionStatus } from "../../domain/notification/subscription.js";

const time = (d: Date | undefined) => (d ? timestampFromDate(d) : undefined);

/** spacet.v1.Alert; its status depends on `now` (an alert expires once its date is over). */
export function alertToProto(a: Alert, now: Date): AlertMsg {
  return create(AlertSchema, {
    alertId: a.id,
    userId: a.userId,
    origin: a.origin,
    destination: a.destination,
    departureDate: "date" in a.when ? a.when.date : "",
    departureMonth: "date" in a.when ? undefined : { year: a.when.year, month: a.when.month },
    webhookUrl: a.webhookUrl,
    status: toProtoEnum(AlertStatus, alertStatus(a, now)),
    createTime: timestampFromDate(a.createdAt),
  });
}

export function subscriptionToProto(s: Subscription): SubscriptionMsg {
  return create(SubscriptionSchema, {
    subscriptionId: s.id,
    flightId: s.flightId,
    userId: s.userId,
    webhookUrl: s.webhookUrl,
    status: toProtoEnum(SubscriptionStatus, subscriptionStatus(s)),
    createTime: timestampFromDate(s.createdAt),
    endTime: time(s.endedAt),
  });
}

export function deliveryToProto(d: WebhookDelivery): WebhookDeliveryMsg {
  return create(WebhookDeliverySchema, {
    deliveryId: d.id,
    eventType: d.eventType,
    flightId: d.flightId,
    targetKind: toProtoEnum(WebhookTargetKind, d.targetKind),
    targetId: d.targetId,
    status: toProtoEnum(WebhookDeliveryStatus, d.status),
    attempts: d.attempts,
    nextAttemptTime: d.status === "pending" ? timestampFromDate(d.nextAttemptAt) : undefined,
    lastAttemptTime: time(d.lastAttemptAt),
    lastStatusCode: d.lastStatusCode ?? 0,
    lastError: d.lastError ?? "",
    createTime: timestampFromDate(d.createdAt),
    completeTime: time(d.completedAt),
  });
}

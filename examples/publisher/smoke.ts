import { randomUUID } from "node:crypto";
import { create, type JsonObject, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BookingCreatedSchema } from "../../gen/spacet/events/v1/launch_events_pb.js";
import { Destination } from "../../gen/spacet/v1/launch_pb.js";
import { toPubsubMessage } from "../../internal/infra/outbox/relay-message.js";
import type { PendingEvent } from "../../internal/infra/outbox/ports.js";
import { createPubsubClient } from "../../internal/infra/outbox/pubsub-client.js";
import { createPublisher } from "../../internal/infra/outbox/pubsub-publisher.js";
import { type ReceivedEvent, subscribeEvents } from "../echo-consumer/subscribe-events.js";

export interface SmokeOptions {
  readonly projectId: string;
  readonly emulatorHost: string | undefined;
  readonly topic: string;
  readonly count: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

export interface SmokeResult {
  readonly published: number;
  readonly received: number;
  readonly inOrder: boolean;
  readonly roundTripMs: number;
}

/**
 * Publishes `count` sample BookingCreated events for one made-up launch, through the same
 * publisher and in the same wire format as the outbox relay, and reads them back from a
 * temporary ordered subscription (deleted afterwards). Passes when every event arrives with
 * its attributes, in order. Consumers already listening on the topic (the echo consumer) see
 * the events too.
 */
export async function runPublisherSmoke(opts: SmokeOptions): Promise<SmokeResult> {
  const pubsub = createPubsubClient({ projectId: opts.projectId, emulatorHost: opts.emulatorHost });
  const publisher = createPublisher({ projectId: opts.projectId, emulatorHost: opts.emulatorHost });
  const launchId = randomUUID();
  const subscriptionName = `${opts.topic}-smoke-${launchId.slice(0, 8)}`;
  try {
    if (opts.emulatorHost) await publisher.ensureTopics([opts.topic]);
    const [subscription] = await pubsub.topic(opts.topic).createSubscription(subscriptionName, { enableMessageOrdering: true });
    const received: ReceivedEvent[] = [];
    const stream = subscribeEvents(subscription, { onEvent: (e, { duplicate }) => void (duplicate || received.push(e)) });
    try {
      const events = Array.from({ length: opts.count }, (_, i) => sampleEvent(launchId, i + 1));
      const started = performance.now();
      await Promise.all(events.map((e) => publisher.publish(opts.topic, toPubsubMessage(e, "/spacet-smoke"))));
      opts.log(`published ${events.length} BookingCreated events for launch ${launchId} to ${opts.topic}`);
      const deadline = Date.now() + opts.timeoutMs;
      while (received.length < events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const roundTripMs = Math.round(performance.now() - started);
      for (const e of received) opts.log(`received ${e.eventType} id=${e.eventId} key=${e.orderingKey} ${e.data}`);
      const inOrder = received.every((e, i) => e.eventId === events[i]?.id && e.attributes["ce-id"] === e.eventId);
      return { published: events.length, received: received.length, inOrder, roundTripMs };
    } finally {
      await stream.close();
      await subscription.delete().catch(() => undefined);
    }
  } finally {
    await publisher.close();
    await pubsub.close();
  }
}

/** The n-th booking on the launch, as the relay would carry it. */
function sampleEvent(launchId: string, n: number): PendingEvent {
  const createdAt = new Date();
  const message = create(BookingCreatedSchema, {
    bookingId: randomUUID(),
    launchId,
    launchpadId: "5e9e4501f509094ba4566f84",
    destination: Destination.MARS,
    launchDate: "2049-07-01",
    createTime: timestampFromDate(createdAt),
    bookedSeats: n,
    capacity: 50,
  });
  return {
    id: randomUUID(),
    aggregateType: "launch",
    aggregateId: launchId,
    eventType: BookingCreatedSchema.typeName,
    payloadJson: JSON.stringify(toJson(BookingCreatedSchema, message) as JsonObject),
    createdAt,
    attempts: 0,
    due: true,
  };
}

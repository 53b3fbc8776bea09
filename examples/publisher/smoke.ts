import { randomUUID } from "node:crypto";
import { create, toJsonString } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { PubSub } from "@google-cloud/pubsub";
import { BookingCreatedSchema } from "../../gen/spacet/events/v1/launch_events_pb.js";
import { Destination } from "../../gen/spacet/v1/launch_pb.js";
import { type ReceivedEvent, subscribeEvents } from "../echo-consumer/subscribe-events.js";

const GRPC_ALREADY_EXISTS = 6;

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
 * Publishes `count` sample BookingCreated events for one made-up launch with the stock Pub/Sub
 * client, in the wire format the outbox relay uses (protobuf JSON body, the launch id as
 * ordering key, `event_id`/`event_type` and CloudEvents binary-mode attributes), and reads them
 * back from a temporary ordered subscription (deleted afterwards). Passes when every event
 * arrives with its attributes, in order. Consumers already listening on the topic (the echo
 * consumer) see the events too.
 */
export async function runPublisherSmoke(opts: SmokeOptions): Promise<SmokeResult> {
  // Naming the universe spares the auth library its probe of the GCE metadata server; the emulator needs no credentials.
  const emulator = opts.emulatorHost ? { apiEndpoint: opts.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" } : {};
  const pubsub = new PubSub({ projectId: opts.projectId, ...emulator });
  const launchId = randomUUID();
  const subscriptionName = `${opts.topic}-smoke-${launchId.slice(0, 8)}`;
  try {
    // An emulator starts empty; real topics belong to infrastructure code.
    if (opts.emulatorHost) await pubsub.createTopic(opts.topic).catch((e: { code?: number }) => ignoreExisting(e));
    const topic = pubsub.topic(opts.topic, { messageOrdering: true });
    const [subscription] = await topic.createSubscription(subscriptionName, { enableMessageOrdering: true });
    const received: ReceivedEvent[] = [];
    const stream = subscribeEvents(subscription, { onEvent: (e, { duplicate }) => void (duplicate || received.push(e)) });
    try {
      const events = Array.from({ length: opts.count }, (_, i) => sampleEvent(launchId, i + 1));
      const started = performance.now();
      await Promise.all(events.map((e) => topic.publishMessage(e.message)));
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
    await pubsub.close();
  }
}

function ignoreExisting(e: { code?: number }): void {
  if (e.code !== GRPC_ALREADY_EXISTS) throw e;
}

/** The n-th booking on the launch, as the relay would publish it. */
function sampleEvent(launchId: string, n: number) {
  const id = randomUUID();
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
  const eventType = BookingCreatedSchema.typeName;
  return {
    id,
    message: {
      data: Buffer.from(toJsonString(BookingCreatedSchema, message)),
      orderingKey: launchId,
      attributes: {
        event_id: id,
        event_type: eventType,
        "ce-id": id,
        "ce-type": eventType,
        "ce-source": `/spacet-smoke/launch/${launchId}`,
        "ce-specversion": "1.0",
        "ce-time": createdAt.toISOString(),
        "content-type": "application/json",
      },
    },
  };
}

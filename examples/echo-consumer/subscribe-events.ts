import type { Message, Subscription } from "@google-cloud/pubsub";

/** One event as a consumer sees it (see protos/spacet/events/v1 for the contract). */
export interface ReceivedEvent {
  /** The `event_id` attribute: stable across redeliveries and re-publishes. */
  readonly eventId: string;
  readonly eventType: string;
  readonly orderingKey: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The body: the protobuf JSON mapping of the event message. */
  readonly data: string;
}

export interface EventStream {
  /** Deliveries of an event id seen before (publishing and delivery are at least once). */
  readonly duplicates: number;
  close(): Promise<void>;
}

/** Event ids remembered for dedupe; the oldest are forgotten first. */
const REMEMBERED_IDS = 100_000;

/**
 * Streams a subscription and hands every event to `onEvent` once, deduplicated by the
 * `event_id` attribute — never by Pub/Sub's message id, which differs between two publishes
 * of one event (a relay that crashed before marking its batch) and restarts at 1 on an
 * emulator. Each message is acked after `onEvent` returned, so a crash redelivers it.
 */
export function subscribeEvents(
  subscription: Subscription,
  handlers: { onEvent?: (event: ReceivedEvent, info: { duplicate: boolean }) => void; onError?: (err: Error) => void } = {},
): EventStream {
  const seen = new Set<string>();
  let duplicates = 0;

  const onMessage = (m: Message) => {
    const event: ReceivedEvent = {
      eventId: m.attributes.event_id ?? `message-${m.id}`,
      eventType: m.attributes.event_type ?? "",
      orderingKey: m.orderingKey ?? "",
      attributes: { ...m.attributes },
      data: m.data.toString("utf8"),
    };
    const duplicate = seen.has(event.eventId);
    if (duplicate) duplicates++;
    else {
      seen.add(event.eventId);
      if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
    }
    handlers.onEvent?.(event, { duplicate });
    m.ack();
  };
  // Without an 'error' listener a lost subscription (an emulator restart) would crash the process.
  const onError = (err: Error) => handlers.onError?.(err);
  subscription.on("message", onMessage);
  subscription.on("error", onError);

  return {
    get duplicates() {
      return duplicates;
    },
    async close() {
      subscription.removeListener("message", onMessage);
      await subscription.close();
      subscription.removeListener("error", onError);
    },
  };
}

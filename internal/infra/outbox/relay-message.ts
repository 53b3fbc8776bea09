import type { OutgoingMessage, PendingEvent } from "./ports.js";

/**
 * The Pub/Sub message for an outbox event (SPEC §5, protos/spacet/events/v1):
 * - data: the payload as stored, the protobuf JSON mapping of the events/v1 message;
 * - ordering key: the aggregate id, so one launch's events arrive in commit order;
 * - attributes for routing and dedupe without parsing the body: `event_id` and `event_type`,
 *   and the CloudEvents Pub/Sub binding in binary mode (`ce-id`, `ce-type`, `ce-source`,
 *   `ce-specversion`, `ce-time`, with `content-type` for the data).
 *
 * `source` names the producer (CloudEvents `source` is a URI-reference); the aggregate is
 * appended, so `ce-source` + `ce-id` identify the event the way CloudEvents asks.
 */
export function toPubsubMessage(event: PendingEvent, source: string): OutgoingMessage {
  return {
    data: Buffer.from(event.payloadJson),
    orderingKey: event.aggregateId,
    attributes: {
      event_id: event.id,
      event_type: event.eventType,
      "ce-id": event.id,
      "ce-type": event.eventType,
      "ce-source": `${source}/${event.aggregateType}/${event.aggregateId}`,
      "ce-specversion": "1.0",
      "ce-time": event.createdAt.toISOString(),
      "content-type": "application/json",
    },
  };
}

import { create, type DescMessage, type JsonObject, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import type { DomainEvent } from "../../domain/domain-event.js";

/** A domain event as the outbox stores it. */
interface EncodedEvent {
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The event's name on the wire: its protobuf message's full name (also `ce-type`). */
  readonly eventType: string;
  /** The protobuf JSON mapping of the event message. */
  readonly payload: JsonObject;
}

/** How one kind of domain event becomes its events/v1 protobuf message. */
export interface EventEncoder<E extends DomainEvent> {
  readonly eventType: string;
  encode(event: E): JsonObject;
}

/** The encoders of one aggregate type's events, one per event type (a missing one does not compile). */
export type AggregateEncoders<E extends DomainEvent> = { readonly [T in E["type"]]: EventEncoder<Extract<E, { readonly type: T }>> };

/** Encodes an event as `schema`'s message, built by `toMessage`, in protobuf JSON form. */
export function protoEncoder<E extends DomainEvent, S extends DescMessage>(schema: S, toMessage: (event: E) => MessageInitShape<S>): EventEncoder<E> {
  return { eventType: schema.typeName, encode: (event) => toJson(schema, create(schema, toMessage(event))) as JsonObject };
}

/** Encodes any registered domain event. */
export type EncodeEvent = (event: DomainEvent) => EncodedEvent;

/**
 * The registry of every event the outbox carries: aggregate type → event type → encoder. A new
 * context's events need only their entry here (and a topic per aggregate type for the relay);
 * the writer, the relay and the topic routing stay as they are. An event without an encoder is
 * a programming error: it fails the transaction that tried to write it, so nothing is lost.
 */
export function createEventEncoding(registry: Readonly<Record<string, Readonly<Record<string, EventEncoder<never>>>>>): EncodeEvent {
  return (event) => {
    const encoders = Object.hasOwn(registry, event.aggregateType) ? registry[event.aggregateType] : undefined;
    const encoder = encoders && Object.hasOwn(encoders, event.type) ? (encoders[event.type] as EventEncoder<DomainEvent>) : undefined;
    if (!encoder) throw new Error(`no outbox encoder for ${event.aggregateType} event ${event.type}`);
    return { aggregateType: event.aggregateType, aggregateId: event.aggregateId, eventType: encoder.eventType, payload: encoder.encode(event) };
  };
}

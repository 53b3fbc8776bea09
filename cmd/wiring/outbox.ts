import type { Config } from "../../config/config.js";
import type { IdGenerator } from "../../internal/app/ports.js";
import { FLIGHT_AGGREGATE } from "../../internal/domain/flight/events.js";
import { LAUNCH_AGGREGATE } from "../../internal/domain/launch/events.js";
import { createEventEncoding } from "../../internal/infra/outbox/event-encoding.js";
import { FLIGHT_EVENT_ENCODERS } from "../../internal/infra/outbox/flight/event-encoders.js";
import { LAUNCH_EVENT_ENCODERS } from "../../internal/infra/outbox/launch/event-encoders.js";
import { createOutboxWriter } from "../../internal/infra/outbox/outbox-writer.js";
import type { MakeOutbox } from "../../internal/infra/postgres/unit-of-work.js";

/**
 * Every event the outbox carries, by aggregate type. A new context registers its encoders here
 * and its topic in `eventTopics`; the writer, the relay and the topic routing stay unchanged.
 */
export const encodeEvent = createEventEncoding({ [LAUNCH_AGGREGATE]: LAUNCH_EVENT_ENCODERS, [FLIGHT_AGGREGATE]: FLIGHT_EVENT_ENCODERS });

/** The Pub/Sub topic of each aggregate type's events. */
export function eventTopics(pubsub: Pick<Config["pubsub"], "launchesTopic" | "flightsTopic">): Readonly<Record<string, string>> {
  return { [LAUNCH_AGGREGATE]: pubsub.launchesTopic, [FLIGHT_AGGREGATE]: pubsub.flightsTopic };
}

/** The outbox of one transaction, for every context's unit of work and for the SpaceX sync. */
export function outboxWriter(ids: IdGenerator): MakeOutbox {
  return (trx) => createOutboxWriter(trx, { ids, encode: encodeEvent });
}

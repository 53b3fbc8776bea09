import type { Kysely } from "kysely";
import type { IdGenerator, Outbox } from "../../app/ports.js";
import { encodeEvent } from "../outbox/event-encoding.js";
import type { Database } from "./schema.js";

/**
 * Writes events into the outbox inside the caller's transaction: they commit with the state
 * change or not at all. The insert's trigger NOTIFYs relays at commit.
 */
export function createOutboxWriter(trx: Kysely<Database>, ids: IdGenerator): Outbox {
  return {
    async add(events) {
      if (events.length === 0) return;
      await trx
        .insertInto("outbox")
        .values(
          events.map((e) => {
            const enc = encodeEvent(e);
            return {
              id: ids(),
              aggregate_type: enc.aggregateType,
              aggregate_id: enc.aggregateId,
              event_type: enc.eventType,
              payload: JSON.stringify(enc.payload),
              last_error: null,
              published_at: null,
            };
          }),
        )
        .execute();
    },
  };
}

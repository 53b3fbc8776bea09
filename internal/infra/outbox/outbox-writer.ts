import type { IdGenerator, Outbox } from "../../app/ports.js";
import { encodeEvent } from "./event-encoding.js";
import type { Queryable } from "../postgres/counting-query.js";

/**
 * The outbox for bulk writers (the SpaceX sync can cancel thousands of bookings at once): any
 * number of events in ONE insert. A multi-row VALUES would need five bind parameters per event
 * and hit PostgreSQL's 65,535-parameter limit at ~13,000 events, so every column travels as one
 * parameter instead: text arrays for the short columns, and the payloads (encoded by the same
 * `encodeEvent` as every other writer) as ONE JSON array text. Measured with 51,000 events, a
 * `jsonb[]` parameter cost about 1 s more than this: array_in must unescape every quote of every
 * payload, while jsonb_array_elements parses plain JSON once.
 *
 * ROWS FROM zips the functions in lockstep, so row i takes element i of every array and rows
 * come out in array order; `seq` therefore follows the order of `events` (callers put an
 * aggregate's events in the order consumers should see them).
 */
export function createArrayOutboxWriter(db: Queryable, ids: IdGenerator): Outbox {
  return {
    async add(events) {
      if (events.length === 0) return;
      const eventIds: string[] = [];
      const aggregateTypes: string[] = [];
      const aggregateIds: string[] = [];
      const eventTypes: string[] = [];
      const payloads: string[] = [];
      for (const event of events) {
        const encoded = encodeEvent(event);
        eventIds.push(ids());
        aggregateTypes.push(encoded.aggregateType);
        aggregateIds.push(encoded.aggregateId);
        eventTypes.push(encoded.eventType);
        payloads.push(JSON.stringify(encoded.payload));
      }
      await db.query(
        `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
         select * from rows from (
           unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), jsonb_array_elements($5::jsonb)
         ) as e(id, aggregate_type, aggregate_id, event_type, payload)`,
        [eventIds, aggregateTypes, aggregateIds, eventTypes, `[${payloads.join(",")}]`],
      );
    },
  };
}

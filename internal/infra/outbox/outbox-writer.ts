import { type Kysely, sql } from "kysely";
import type { IdGenerator, Outbox } from "../../app/ports.js";
import type { Database } from "../postgres/schema.js";
import type { EncodeEvent } from "./event-encoding.js";

/**
 * The outbox writer: events go into the caller's transaction (`db` is a transaction or a
 * connection inside one), so they commit with the state change or not at all; the insert's
 * trigger NOTIFYs relays at commit.
 *
 * Any number of events take ONE insert (the SpaceX sync can cancel thousands of bookings at
 * once). A multi-row VALUES would need five bind parameters per event and hit PostgreSQL's
 * 65,535-parameter limit at ~13,000 events, so every column travels as one parameter instead:
 * text arrays for the short columns, and the payloads as ONE JSON array text. Measured with
 * 51,000 events, a `jsonb[]` parameter cost about 1 s more than this: array_in must unescape
 * every quote of every payload, while jsonb_array_elements parses plain JSON once.
 *
 * ROWS FROM zips the functions in lockstep, so row i takes element i of every array and rows
 * come out in array order; `seq` therefore follows the order of `events` (callers put an
 * aggregate's events in the order consumers should see them).
 */
export function createOutboxWriter(db: Kysely<Database>, deps: { readonly ids: IdGenerator; readonly encode: EncodeEvent }): Outbox {
  return {
    async add(events) {
      if (events.length === 0) return;
      const eventIds: string[] = [];
      const aggregateTypes: string[] = [];
      const aggregateIds: string[] = [];
      const eventTypes: string[] = [];
      const payloads: string[] = [];
      for (const event of events) {
        const encoded = deps.encode(event);
        eventIds.push(deps.ids());
        aggregateTypes.push(encoded.aggregateType);
        aggregateIds.push(encoded.aggregateId);
        eventTypes.push(encoded.eventType);
        payloads.push(JSON.stringify(encoded.payload));
      }
      await sql`
        insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
        select * from rows from (
          unnest(${eventIds}::uuid[]), unnest(${aggregateTypes}::text[]), unnest(${aggregateIds}::text[]),
          unnest(${eventTypes}::text[]), jsonb_array_elements(${`[${payloads.join(",")}]`}::jsonb)
        ) as e(id, aggregate_type, aggregate_id, event_type, payload)`.execute(db);
    },
  };
}

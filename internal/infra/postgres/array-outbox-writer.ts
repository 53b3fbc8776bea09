import type { IdGenerator, Outbox } from "../../app/ports.js";
import { encodeEvent } from "../outbox/event-encoding.js";
import type { Queryable } from "./counting-query.js";

/**
 * The outbox for bulk writers (the SpaceX sync can cancel thousands of bookings at once): any
 * number of events in ONE insert, each column sent as one array. A multi-row VALUES would need
 * five bind parameters per event and hit PostgreSQL's 65,535-parameter limit at ~13,000 events.
 * Payloads are encoded by the same `encodeEvent` as every other writer, and unnest keeps the
 * array order, so `seq` follows the order of `events` (callers put an aggregate's events in the
 * order consumers should see them).
 */
export function createArrayOutboxWriter(db: Queryable, ids: IdGenerator): Outbox {
  return {
    async add(events) {
      if (events.length === 0) return;
      const columns = { id: [] as string[], aggregateType: [] as string[], aggregateId: [] as string[], eventType: [] as string[], payload: [] as string[] };
      for (const event of events) {
        const encoded = encodeEvent(event);
        columns.id.push(ids());
        columns.aggregateType.push(encoded.aggregateType);
        columns.aggregateId.push(encoded.aggregateId);
        columns.eventType.push(encoded.eventType);
        columns.payload.push(JSON.stringify(encoded.payload));
      }
      await db.query(
        `insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
        [columns.id, columns.aggregateType, columns.aggregateId, columns.eventType, columns.payload],
      );
    },
  };
}

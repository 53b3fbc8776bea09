import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import { ErrorInfoSchema } from "../../../gen/google/rpc/error_details_pb.js";
import type { DomainEvent } from "../../domain/domain-event.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { type DatabaseHandle, openDatabase } from "../postgres/db.js";
import { createStatementCounter } from "../postgres/statement-counter.js";
import { createEventEncoding, protoEncoder } from "./event-encoding.js";
import { createOutboxWriter } from "./outbox-writer.js";

// Two made-up contexts, to show that a new aggregate type needs only its encoders: the writer is
// the same. (Any message does as a payload here; the relay never reads it.)
type FlightEvent = { readonly type: "FlightDelayed"; readonly aggregateType: "flight"; readonly aggregateId: string; readonly minutes: number };
type CrewEvent = { readonly type: "CrewAssigned"; readonly aggregateType: "crew"; readonly aggregateId: string; readonly pilot: string };

const encode = createEventEncoding({
  flight: { FlightDelayed: protoEncoder(ErrorInfoSchema, (e: FlightEvent) => ({ reason: "DELAYED", metadata: { minutes: String(e.minutes) } })) },
  crew: { CrewAssigned: protoEncoder(ErrorInfoSchema, (e: CrewEvent) => ({ reason: "ASSIGNED", metadata: { pilot: e.pilot } })) },
});
const delayed = (flight: string, minutes: number): FlightEvent => ({ type: "FlightDelayed", aggregateType: "flight", aggregateId: flight, minutes });
const assigned = (crew: string, pilot: string): CrewEvent => ({ type: "CrewAssigned", aggregateType: "crew", aggregateId: crew, pilot });

let tdb: TestDatabase;
let handle: DatabaseHandle;
before(async () => {
  tdb = await createTestDatabase();
  handle = openDatabase({ dsn: tdb.dsn, poolMax: 2 });
});
after(async () => {
  await handle.close();
  await tdb.drop();
});
beforeEach(() => sql`truncate outbox`.execute(handle.db));

const rows = () => handle.db.selectFrom("outbox").select(["aggregate_type", "aggregate_id", "event_type", "payload"]).orderBy("seq").execute();

describe("outbox writer", () => {
  it("writes the events of every registered aggregate type, in the given order, with their wire names and payloads", async () => {
    const writer = createOutboxWriter(handle.db, { ids: randomUUID, encode });
    await writer.add([delayed("AF-1", 20), assigned("crew-7", "Ada"), delayed("AF-1", 45)]);
    assert.deepEqual(await rows(), [
      { aggregate_type: "flight", aggregate_id: "AF-1", event_type: "google.rpc.ErrorInfo", payload: { reason: "DELAYED", metadata: { minutes: "20" } } },
      { aggregate_type: "crew", aggregate_id: "crew-7", event_type: "google.rpc.ErrorInfo", payload: { reason: "ASSIGNED", metadata: { pilot: "Ada" } } },
      { aggregate_type: "flight", aggregate_id: "AF-1", event_type: "google.rpc.ErrorInfo", payload: { reason: "DELAYED", metadata: { minutes: "45" } } },
    ]);
  });

  it("writes any number of events in one statement", async () => {
    const counter = createStatementCounter();
    const writer = createOutboxWriter(handle.db.withPlugin(counter.plugin), { ids: randomUUID, encode });
    const events = Array.from({ length: 20_000 }, (_, i) => delayed(`AF-${i % 50}`, i));
    const { statements } = await counter.count(() => writer.add(events));
    assert.equal(statements, 1);
    const { rows: count } = await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(handle.db);
    assert.equal(count[0].n, 20_000);
  });

  it("refuses an event nobody registered an encoder for, and writes nothing", async () => {
    const writer = createOutboxWriter(handle.db, { ids: randomUUID, encode });
    const stray: DomainEvent = { type: "FlightCancelled", aggregateType: "flight", aggregateId: "AF-1" };
    await assert.rejects(writer.add([delayed("AF-1", 5), stray]), /no outbox encoder for flight event FlightCancelled/);
    await assert.rejects(writer.add([{ type: "Landed", aggregateType: "rocket", aggregateId: "r-1" }]), /no outbox encoder for rocket event Landed/);
    assert.deepEqual(await rows(), []);
  });
});

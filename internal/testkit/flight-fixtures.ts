import { randomUUID } from "node:crypto";
import { create, type JsonObject, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Kysely, sql } from "kysely";
import { CreateFlightRequestSchema, SeatClass } from "../../gen/spacet/v1/flight_pb.js";
import type { FlightPlan } from "../domain/flight/flight.js";
import type { Principal } from "../domain/identity/principal.js";
import type { Role } from "../domain/identity/role.js";
import type { Database } from "../infra/postgres/schema.js";

let codes = 0;

/**
 * A valid flight plan departing in 30 days (real clock: the coordinator judges offers by the
 * database clock); each call gets a new flight code, so plans never collide on (code, date).
 */
export function flightPlan(overrides: Partial<FlightPlan> = {}): FlightPlan {
  const departure = new Date(Date.now() + 30 * 86_400_000);
  codes++;
  return {
    code: `SP${String(codes % 10_000).padStart(4, "0")}`,
    airline: "SpaceT Air",
    aircraftType: "A320neo",
    origin: "EZE",
    destination: "MAD",
    originTimeZone: "America/Argentina/Buenos_Aires",
    departureTime: departure,
    arrivalTime: new Date(departure.getTime() + 12 * 3_600_000),
    capacity: { window: 10, aisle: 10, middle: 10 },
    price: { currency: "EUR", amountMinor: 12_999 },
    offerDurationMs: 7 * 86_400_000,
    ...overrides,
  };
}

const CLASSES = ["window", "aisle", "middle"] as const;

/** A plan as the CreateFlight request message (gRPC, Connect); classes without seats are left out. */
export function createFlightRequest(plan: FlightPlan = flightPlan()): MessageInitShape<typeof CreateFlightRequestSchema> {
  return {
    flightCode: plan.code,
    airline: plan.airline,
    aircraftType: plan.aircraftType,
    origin: plan.origin,
    destination: plan.destination,
    originTimeZone: plan.originTimeZone,
    departureTime: timestampFromDate(plan.departureTime),
    arrivalTime: timestampFromDate(plan.arrivalTime),
    seats: CLASSES.filter((c) => plan.capacity[c] > 0).map((c) => ({
      seatClass: SeatClass[c.toUpperCase() as Uppercase<typeof c>],
      capacity: plan.capacity[c],
    })),
    price: { currencyCode: plan.price.currency, amountMinor: BigInt(plan.price.amountMinor) },
    offerDuration: durationFromMs(plan.offerDurationMs),
  };
}

/** A plan as a CreateFlight body in protobuf JSON (REST). */
export function createFlightJson(plan: FlightPlan = flightPlan()): JsonObject {
  return toJson(CreateFlightRequestSchema, create(CreateFlightRequestSchema, createFlightRequest(plan))) as JsonObject;
}

/**
 * A user in the database (bookings reference users), as the principal a token for it carries.
 * The password hash is a placeholder: these users never log in.
 */
export async function insertUser(db: Kysely<Database>, role: Role = "user"): Promise<Principal> {
  const userId = randomUUID();
  const username = `u-${userId.slice(0, 8)}`;
  await db
    .insertInto("users")
    .values({ id: userId, username, email: `${username}@example.com`, password_hash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder", role })
    .execute();
  return { userId, username, role };
}

/** Row counts of the tables a booking writes, to prove a rejection wrote nothing. */
export async function flightRowCounts(db: Kysely<Database>): Promise<{ flights: number; bookings: number; outbox: number }> {
  const { rows } = await sql<{ flights: number; bookings: number; outbox: number }>`
    select (select count(*)::int from flights) as flights,
           (select count(*)::int from flight_bookings) as bookings,
           (select count(*)::int from outbox) as outbox`.execute(db);
  return rows[0];
}

/** The event types written for one flight, in commit order. */
export async function flightEventTypes(db: Kysely<Database>, flightId: string): Promise<string[]> {
  const rows = await db.selectFrom("outbox").select("event_type").where("aggregate_id", "=", flightId).orderBy("seq").execute();
  return rows.map((r) => r.event_type.replace("spacet.events.v1.", ""));
}

/**
 * What must always hold for a flight, whatever raced: every class's available seats equal its
 * capacity minus the seats of its confirmed bookings (cancelled flights aside), and never go
 * below zero. Returns the flight's row and its confirmed seats for further checks.
 */
export async function seatLedger(db: Kysely<Database>, flightId: string) {
  const { rows } = await sql<{
    status: string;
    close_reason: string | null;
    capacity: number;
    available: number;
    sold: number;
    min_available: number;
    closed_events: number;
  }>`
    select f.status, f.close_reason,
           f.window_capacity + f.aisle_capacity + f.middle_capacity as capacity,
           f.window_available + f.aisle_available + f.middle_available as available,
           coalesce((select sum(b.window_seats + b.aisle_seats + b.middle_seats)::int
                       from flight_bookings b where b.flight_id = f.id and b.status = 'confirmed'), 0) as sold,
           least(f.window_available, f.aisle_available, f.middle_available) as min_available,
           (select count(*)::int from outbox o where o.aggregate_id = f.id::text and o.event_type = 'spacet.events.v1.FlightClosed') as closed_events
      from flights f where f.id = ${flightId}`.execute(db);
  return rows[0];
}

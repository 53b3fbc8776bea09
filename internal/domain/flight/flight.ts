import { type CalendarDate, dateInZone } from "../calendar-date.js";
import { type FieldViolation, invalidFields } from "../errors.js";
import { type Money, priceProblem } from "./money.js";
import { type SeatCounts, SEAT_CLASSES, totalSeats } from "./seat-class.js";

/** Whether the flight sells seats (commercial status). */
export type FlightStatus = "open" | "closed" | "cancelled";
/** Why a closed flight stopped selling. */
export type CloseReason = "sold_out" | "offer_expired" | "departed";
/** Where the flight is in its day, as operators report it (moves: operational-status.ts). */
export type OperationalStatus = "scheduled" | "on_time" | "delayed" | "boarding" | "departed" | "arrived";

/** A scheduled flight and the seats it sells. */
export interface Flight {
  readonly id: string;
  /** Unique per local departure date: real flight numbers repeat daily. */
  readonly code: string;
  readonly airline: string;
  readonly aircraftType: string;
  /** IATA airport codes. */
  readonly origin: string;
  readonly destination: string;
  /** IANA zone of the origin: it defines the local departure date. */
  readonly originTimeZone: string;
  readonly departureTime: Date;
  readonly arrivalTime: Date;
  /** The departure's calendar date at the origin (search and alerts use it). */
  readonly departureDate: CalendarDate;
  readonly capacity: SeatCounts;
  readonly available: SeatCounts;
  /** Price of one seat. */
  readonly price: Money;
  /** When the offer ends: the earlier of creation + offer duration and departure. */
  readonly offerExpiresAt: Date;
  readonly status: FlightStatus;
  /** Set exactly when status is "closed". */
  readonly closeReason: CloseReason | undefined;
  readonly operationalStatus: OperationalStatus;
  readonly estimatedDepartureTime: Date | undefined;
  /** Grows by one with every change. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What an operator asks for when scheduling a flight (shape already checked by protovalidate). */
export interface FlightPlan
  extends Pick<
    Flight,
    "code" | "airline" | "aircraftType" | "origin" | "destination" | "originTimeZone" | "departureTime" | "arrivalTime" | "capacity" | "price"
  > {
  /** How long seats are on sale from creation (the offer never outlasts departure). */
  readonly offerDurationMs: number;
}

const FLIGHT_CODE = /^[A-Z0-9]{2,3}[0-9]{1,4}[A-Z]?$/;
const IATA = /^[A-Z]{3}$/;
const TEXT_MAX = 100;
/** The longest offer: a year. */
export const MAX_OFFER_DURATION_MS = 365 * 86_400_000;
/** The most seats of one class a flight may have. */
export const MAX_CLASS_CAPACITY = 1_000;

/** Zones already found valid: building an Intl.DateTimeFormat to ask costs far more than a lookup. */
const knownZones = new Set<string>();

/** Whether the runtime's zone database knows `zone` (Node ships ICU with every IANA zone). */
export function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

/**
 * Checks a plan against every rule at once (SPEC §4.2) and makes the new flight: open, scheduled,
 * version 1, every seat available, the offer ending at the earlier of `now` + offer duration
 * and departure, the departure date taken in the origin's zone.
 */
export function scheduleFlight(plan: FlightPlan, id: string, now: Date): Flight {
  const violations: FieldViolation[] = [];
  const bad = (field: string, rule: string, message: string) => violations.push({ field, rule, message });
  if (!FLIGHT_CODE.test(plan.code)) bad("flight_code", "flight.code", "must be 2-3 letters or digits, 1-4 digits and an optional letter, e.g. AR1234");
  for (const [field, text] of [
    ["airline", plan.airline],
    ["aircraft_type", plan.aircraftType],
  ] as const) {
    if (text.trim().length === 0 || text.length > TEXT_MAX) bad(field, "text.length", `must be 1-${TEXT_MAX} characters`);
  }
  if (!IATA.test(plan.origin)) bad("origin", "airport.iata", "must be an IATA airport code (3 capital letters)");
  if (!IATA.test(plan.destination)) bad("destination", "airport.iata", "must be an IATA airport code (3 capital letters)");
  else if (plan.destination === plan.origin) bad("destination", "flight.origin_differs", "must differ from origin");
  const zoneKnown = isTimeZone(plan.originTimeZone);
  if (!zoneKnown) bad("origin_time_zone", "time_zone.iana", `"${plan.originTimeZone}" is not an IANA time zone`);
  if (!(plan.departureTime.getTime() > now.getTime())) bad("departure_time", "time.future", "must be in the future");
  if (!(plan.arrivalTime.getTime() > plan.departureTime.getTime())) bad("arrival_time", "flight.arrival_after_departure", "must be after departure_time");
  const capacityOk = SEAT_CLASSES.every((c) => Number.isInteger(plan.capacity[c]) && plan.capacity[c] >= 0 && plan.capacity[c] <= MAX_CLASS_CAPACITY);
  if (!capacityOk) bad("seats", "seats.capacity", `each class holds 0-${MAX_CLASS_CAPACITY} seats`);
  else if (totalSeats(plan.capacity) < 1) bad("seats", "seats.at_least_one", "must hold at least one seat in total");
  const price = priceProblem(plan.price);
  if (price) bad("price", "price.valid", price);
  if (!(plan.offerDurationMs > 0 && plan.offerDurationMs <= MAX_OFFER_DURATION_MS))
    bad("offer_duration", "offer_duration.range", "must be more than 0 and at most 365 days");
  if (violations.length > 0) throw invalidFields(violations);

  const offerEnd = Math.min(now.getTime() + plan.offerDurationMs, plan.departureTime.getTime());
  return {
    id,
    code: plan.code,
    airline: plan.airline.trim(),
    aircraftType: plan.aircraftType.trim(),
    origin: plan.origin,
    destination: plan.destination,
    originTimeZone: plan.originTimeZone,
    departureTime: plan.departureTime,
    arrivalTime: plan.arrivalTime,
    departureDate: dateInZone(plan.departureTime, plan.originTimeZone),
    capacity: plan.capacity,
    available: plan.capacity,
    price: plan.price,
    offerExpiresAt: new Date(offerEnd),
    status: "open",
    closeReason: undefined,
    operationalStatus: "scheduled",
    estimatedDepartureTime: undefined,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

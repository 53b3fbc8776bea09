import { type CalendarDate, dateInZone, parseCalendarDate } from "../calendar-date.js";
import type { Destination } from "./destination.js";
import type { FieldViolation } from "../errors.js";

const GENDERS = ["female", "male", "non_binary", "other"] as const;
export type Gender = (typeof GENDERS)[number];

export type BookingStatus = "confirmed" | "cancelled";
export type CancellationReason = "customer_request" | "spacex_conflict";

export interface Cancellation {
  readonly reason: CancellationReason;
  /** The SpaceX launch that took the day, for spacex_conflict. */
  readonly spacexLaunchId: string | undefined;
  readonly cancelledAt: Date;
}

/** A passenger on one of our launches; `id` is the ticket id the customer keeps. */
export interface Booking {
  readonly id: string;
  readonly launchId: string;
  readonly launchpadId: string;
  readonly destination: Destination;
  readonly launchDate: CalendarDate;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: Gender;
  readonly birthday: CalendarDate;
  readonly status: BookingStatus;
  readonly cancellation: Cancellation | undefined;
  readonly requestId: string | undefined;
  readonly createdAt: Date;
}

/** What a customer asks for, as it arrives (shape already checked by protovalidate). */
export interface BookingRequest {
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: Gender;
  readonly birthday: string;
  readonly launchpadId: string;
  readonly destination: Destination;
  readonly launchDate: string;
  readonly requestId: string | undefined;
}

/** A request whose fields passed rule 1 (pad-dependent checks come later). */
export interface ValidBookingRequest extends BookingRequest {
  readonly birthday: CalendarDate;
  readonly launchDate: CalendarDate;
}

// Letters of any script, plus the joiners names use: space, apostrophe, hyphen, dot.
const NAME = /^\p{L}[\p{L}\p{M} '.\-’]*$/u;
const NAME_MAX = 50;

/** The fields of a booking request that rule 1 judges, as they arrive (any text). */
export type BookingFields = Pick<BookingRequest, "firstName" | "lastName" | "birthday" | "launchDate">;

/**
 * Rule 1 without the pad: names, a real past birthday, a real launch date; every problem at
 * once. `now` decides "past" for the birthday in UTC; the launch date is judged against the
 * pad's own today by {@link launchDateAheadViolation}. Any text is accepted, so this also runs
 * on requests that failed other checks, to report all their problems together.
 */
export function bookingFieldViolations(req: BookingFields, now: Date): FieldViolation[] {
  return judgeFields(req, now).violations;
}

/** The request with trimmed names and typed dates when rule 1 (without the pad) holds, else undefined. */
export function validBookingRequest(req: BookingRequest, now: Date): ValidBookingRequest | undefined {
  const { violations, firstName, lastName, birthday, launchDate } = judgeFields(req, now);
  if (violations.length > 0 || !birthday || !launchDate) return undefined;
  return { ...req, firstName, lastName, birthday, launchDate };
}

function judgeFields(req: BookingFields, now: Date) {
  const violations: FieldViolation[] = [];
  const firstName = normalizeName(req.firstName, "first_name", violations);
  const lastName = normalizeName(req.lastName, "last_name", violations);

  const birthday = parseCalendarDate(req.birthday);
  if (!birthday) violations.push({ field: "birthday", rule: "date.real", message: `"${req.birthday}" is not a real calendar date (YYYY-MM-DD)` });
  else if (birthday >= dateInZone(now, "UTC")) violations.push({ field: "birthday", rule: "date.past", message: "must be a date in the past" });

  const launchDate = parseCalendarDate(req.launchDate);
  if (!launchDate) violations.push({ field: "launch_date", rule: "date.real", message: `"${req.launchDate}" is not a real calendar date (YYYY-MM-DD)` });
  return { violations, firstName, lastName, birthday, launchDate };
}

/** Rule 1, pad part: the launch date must be strictly after today in the pad's time zone. */
export function launchDateAheadViolation(launchDate: CalendarDate, timeZone: string, now: Date): FieldViolation | undefined {
  const today = dateInZone(now, timeZone);
  return launchDate > today ? undefined : launchDateNotAfter(today, timeZone);
}

/** Rule 1, pad part, broken: the launch date is not after `today`, the pad-local date in `timeZone`. */
export function launchDateNotAfter(today: CalendarDate, timeZone: string): FieldViolation {
  return { field: "launch_date", rule: "date.future", message: `must be after ${today}, today at the launchpad (${timeZone})` };
}

function normalizeName(raw: string, field: string, violations: FieldViolation[]): string {
  const name = raw.trim().replace(/\s+/g, " ");
  const length = [...name].length;
  if (length < 1 || length > NAME_MAX) {
    violations.push({ field, rule: "name.length", message: `must be 1 to ${NAME_MAX} characters after trimming, got ${length}` });
  } else if (!NAME.test(name)) {
    violations.push({ field, rule: "name.characters", message: "may hold only letters, spaces, apostrophes, hyphens and dots, starting with a letter" });
  }
  return name;
}

/**
 * Fingerprint of what a request asks for, to tell a retry (same fingerprint) from a different
 * request that reuses the idempotency key.
 */
export function requestFingerprint(req: ValidBookingRequest): string {
  return JSON.stringify([req.firstName, req.lastName, req.gender, req.birthday, req.launchpadId, req.destination, req.launchDate]);
}

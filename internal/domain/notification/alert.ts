import { type CalendarDate, dateInZone, parseCalendarDate } from "../calendar-date.js";
import { type FieldViolation, invalidFields } from "../errors.js";

/** When an alert's flights depart (local date at the origin): one date, or any day of one month. */
export type AlertWhen = { readonly date: CalendarDate } | { readonly year: number; readonly month: number };

/** A user's wish to hear (by webhook) about each new flight on a route and date. */
export interface Alert {
  readonly id: string;
  readonly userId: string;
  readonly origin: string;
  readonly destination: string;
  readonly when: AlertWhen;
  /** The last local date the alert can match (the date, or the month's last day). */
  readonly lastDate: CalendarDate;
  readonly webhookUrl: string;
  readonly createdAt: Date;
  /** Set when the endpoint answered 410 Gone. */
  readonly disabledAt: Date | undefined;
}

export type AlertStatus = "active" | "expired" | "disabled";

/**
 * Local dates are the origin's, and origins span every zone: a date is over only once it is
 * over everywhere, i.e. in UTC-12 (IANA writes it Etc/GMT+12), the last zone to leave a day.
 */
const LAST_ZONE = "Etc/GMT+12";

/** The earliest local date a flight created now can still depart on, anywhere. */
export function earliestLocalDate(now: Date): CalendarDate {
  return dateInZone(now, LAST_ZONE);
}

export function alertStatus(alert: Alert, now: Date): AlertStatus {
  if (alert.disabledAt) return "disabled";
  return alert.lastDate < earliestLocalDate(now) ? "expired" : "active";
}

/** What a user asks for; shape already checked by the proto rules. */
export interface AlertRequest {
  readonly origin: string;
  readonly destination: string;
  readonly date?: string;
  readonly month?: { readonly year: number; readonly month: number };
  readonly webhookUrl: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * The alert's date rule and last matching date. A date must be real and not over; a month
 * must not be over. Throws "invalid" naming the field.
 */
export function alertWhen(req: AlertRequest, now: Date): { when: AlertWhen; lastDate: CalendarDate } {
  const earliest = earliestLocalDate(now);
  const violations: FieldViolation[] = [];
  if (req.date !== undefined) {
    const date = parseCalendarDate(req.date);
    if (!date) violations.push({ field: "departure_date", rule: "alert.date_valid", message: "must be a real date (YYYY-MM-DD)" });
    else if (date < earliest) violations.push({ field: "departure_date", rule: "alert.date_not_past", message: "must not be over yet" });
    else return { when: { date }, lastDate: date };
  } else if (req.month !== undefined) {
    const { year, month } = req.month;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const lastDate = `${pad(year, 4)}-${pad(month, 2)}-${pad(days, 2)}` as CalendarDate;
    if (lastDate < earliest) violations.push({ field: "departure_month", rule: "alert.month_not_past", message: "must not be over yet" });
    else return { when: { year, month }, lastDate };
  } else {
    violations.push({ field: "departure_date", rule: "alert.when_required", message: "departure_date or departure_month is required" });
  }
  throw invalidFields(violations);
}

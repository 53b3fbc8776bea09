import { fromProtoEnum } from "../../pkg/proto-enum/proto-enum.js";
import type { CalendarDate } from "../domain/calendar-date.js";
import { parseCalendarDate } from "../domain/calendar-date.js";
import { type FieldViolation, invalidFields } from "../domain/errors.js";

/** Enum number → domain word; protovalidate's defined_only has already rejected unknown numbers. */
export function enumWord<T extends string>(e: Record<string, string | number>, value: number): T | undefined {
  return fromProtoEnum(e, value) as T | undefined;
}

/**
 * Parses optional YYYY-MM-DD filter fields (protovalidate checked the shape; this rejects
 * dates that do not exist) and reports every bad one at once.
 */
export function optionalDates<K extends string>(fields: Record<K, string>): Record<K, CalendarDate | undefined> {
  const out = {} as Record<K, CalendarDate | undefined>;
  const violations: FieldViolation[] = [];
  for (const [field, text] of Object.entries(fields) as [K, string][]) {
    if (text === "") continue;
    const date = parseCalendarDate(text);
    if (!date) violations.push({ field, rule: "date.real", message: `"${text}" is not a real calendar date (YYYY-MM-DD)` });
    out[field] = date;
  }
  if (violations.length > 0) throw invalidFields(violations);
  return out;
}

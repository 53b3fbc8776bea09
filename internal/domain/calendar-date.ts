/**
 * A calendar date without time or zone ("2049-02-28"), the unit of every launch rule. Kept as
 * its ISO text: it sorts, compares and crosses the wire and the database unchanged.
 */
export type CalendarDate = string & { readonly __brand: "CalendarDate" };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD and rejects dates that do not exist (2049-02-30, 2049-13-01). */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return undefined;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  probe.setUTCFullYear(y); // Date.UTC maps years 0-99 to 1900-1999
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return undefined;
  return text as CalendarDate;
}

/**
 * Building an Intl.DateTimeFormat costs far more than formatting with one (it was the top
 * self-time entry of CreateBooking), so keep one per zone; there are only a handful of pads.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in the IANA zone `timeZone` ("the pad-local day"). */
export function dateInZone(instant: Date, timeZone: string): CalendarDate {
  // UTC needs no zone database (every booking's birthday check asks for it): the ISO form of
  // a year 0000-9999 instant starts with its UTC date.
  if (timeZone === "UTC") {
    const iso = instant.toISOString();
    if (iso.length === 24) return iso.slice(0, 10) as CalendarDate;
  }
  let format = formatters.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD; the zone database comes with Node's ICU.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, format);
  }
  return format.format(instant) as CalendarDate;
}

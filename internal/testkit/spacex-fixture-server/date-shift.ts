import type { Doc } from "./fixtures.js";

/** Whole years, then whole days, added to every launch date (either may be negative). */
export interface DateShift {
  readonly years?: number;
  readonly days?: number;
}

const DAY_MS = 86_400_000;

/**
 * Moves a launch by `shift` so the frozen 2022 schedule can sit in the future. Years keep
 * the UTC month, day and time (29 February becomes the 28th in a common year); `date_unix`
 * follows `date_utc`; `date_local` is rewritten in the pad's zone when known, so its offset
 * text still matches the instant across DST changes, else in the offset it already had.
 * A zero shift returns the launch untouched (a few snapshot launches have a `date_local`
 * or `date_unix` that disagrees with `date_utc`; a real shift recomputes both from it).
 */
export function shiftLaunch(launch: Doc, shift: DateShift, padZones: ReadonlyMap<string, string>): Doc {
  if (typeof launch.date_utc !== "string" || ((shift.years ?? 0) === 0 && (shift.days ?? 0) === 0)) return launch;
  const moved = shiftInstant(new Date(launch.date_utc), shift);
  const zone = typeof launch.launchpad === "string" ? padZones.get(launch.launchpad) : undefined;
  const offset = zone !== undefined ? zoneOffsetMinutes(moved, zone) : (trailingOffset(String(launch.date_local)) ?? 0);
  return {
    ...launch,
    date_utc: moved.toISOString(),
    date_unix: Math.floor(moved.getTime() / 1000),
    date_local: formatWithOffset(moved, offset),
  };
}

/** The instant `years` calendar years and then `days` days after `date`, in UTC. */
export function shiftInstant(date: Date, shift: DateShift): Date {
  const years = wholeNumber(shift.years ?? 0, "years");
  const days = wholeNumber(shift.days ?? 0, "days");
  const year = date.getUTCFullYear() + years;
  const lastDay = new Date(Date.UTC(year, date.getUTCMonth() + 1, 0)).getUTCDate();
  const moved = new Date(date);
  moved.setUTCFullYear(year, date.getUTCMonth(), Math.min(date.getUTCDate(), lastDay));
  return new Date(moved.getTime() + days * DAY_MS);
}

/** The UTC offset of `zone` at `date`, in minutes (east positive). */
export function zoneOffsetMinutes(date: Date, zone: string): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName")?.value;
  const offset = name === "GMT" ? 0 : trailingOffset(name ?? "");
  if (offset === undefined) throw new Error(`cannot read the offset of ${zone}: ${name}`);
  return offset;
}

/** `2022-09-16T21:05:00-04:00`: the local wall time at `offsetMinutes`, as SpaceX writes it. */
export function formatWithOffset(date: Date, offsetMinutes: number): string {
  const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${wall}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Minutes of a trailing `±hh:mm` (as in `GMT-04:00` or a `date_local`). */
function trailingOffset(text: string): number | undefined {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(text);
  return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : undefined;
}

function wholeNumber(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`shift ${name} must be a whole number, got ${value}`);
  return value;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

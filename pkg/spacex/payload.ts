/**
 * Hand-written checks for SpaceX JSON. The API is a third party we cannot fix, so every
 * field we rely on is checked before it reaches the booking rules; each failure names the
 * JSON path so the error says exactly which document broke.
 */

/** A payload value that is missing or has the wrong shape. */
export class PayloadIssue extends Error {
  override name = "PayloadIssue";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** A JSON object with unknown fields, the input of every parser. */
export type JsonRecord = Readonly<Record<string, unknown>>;

export function record(value: unknown, path: string): JsonRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PayloadIssue(path, `expected an object, got ${show(value)}`);
  }
  return value as JsonRecord;
}

export function array(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new PayloadIssue(path, `expected an array, got ${show(value)}`);
  return value;
}

export function text(value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new PayloadIssue(path, `expected a non-empty string, got ${show(value)}`);
  }
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw new PayloadIssue(path, `expected a boolean, got ${show(value)}`);
  return value;
}

export function integer(value: unknown, path: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new PayloadIssue(path, `expected an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(value as T)) {
    throw new PayloadIssue(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${show(value)}`);
  }
  return value as T;
}

/** SpaceX ids are MongoDB ObjectIds: 24 lowercase or uppercase hex characters. */
export function objectId(value: unknown, path: string): string {
  if (typeof value !== "string" || !/^[0-9a-fA-F]{24}$/.test(value)) {
    throw new PayloadIssue(path, `expected a 24-hex-character id, got ${show(value)}`);
  }
  return value;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * An ISO-8601 date-time with an explicit zone. `Date.parse` alone is not enough: V8 reads
 * "2022-02-30" as March 2nd, so the calendar fields are checked to survive a round trip.
 */
export function isoInstant(value: unknown, path: string): Date {
  const match = typeof value === "string" ? ISO_INSTANT.exec(value) : null;
  const parsed = match ? new Date(value as string) : undefined;
  if (!match || !parsed || Number.isNaN(parsed.getTime())) {
    throw new PayloadIssue(path, `expected an ISO-8601 instant with a zone, got ${show(value)}`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day &&
    calendar.getUTCHours() === hour &&
    calendar.getUTCMinutes() === minute &&
    calendar.getUTCSeconds() === second;
  if (!valid) throw new PayloadIssue(path, `not a real calendar date-time: ${show(value)}`);
  return parsed;
}

/**
 * An IANA zone name that this runtime's ICU knows. Fixed offsets such as "+01:00" are
 * refused even where Intl accepts them: pad-local days need real DST rules.
 */
export function ianaTimeZone(value: unknown, path: string): string {
  const name = text(value, path);
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) {
    throw new PayloadIssue(path, `expected an IANA time zone, got ${show(value)}`);
  }
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
  } catch {
    throw new PayloadIssue(path, `unknown IANA time zone ${show(value)}`);
  }
  return name;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

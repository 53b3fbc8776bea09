import { boolean, integer, isoInstant, objectId, oneOf, record, text } from "./payload.js";

/** How exact `dateUtc` is: only `hour` and `day` name a real day; the rest are placeholders. */
export type SpacexDatePrecision = "half" | "quarter" | "year" | "month" | "day" | "hour";

export const SPACEX_DATE_PRECISIONS: readonly SpacexDatePrecision[] = ["half", "quarter", "year", "month", "day", "hour"];

/** The fields of a SpaceX v4 launch that a schedule needs, camel-cased. */
export interface SpacexLaunch {
  readonly id: string;
  readonly name: string;
  readonly flightNumber: number;
  readonly dateUtc: Date;
  readonly datePrecision: SpacexDatePrecision;
  readonly upcoming: boolean;
  /** `null` while SpaceX has not picked a pad. */
  readonly launchpadId: string | null;
}

/** The v4 fields `parseLaunch` reads; also the `select` of the launches query. */
export const LAUNCH_FIELDS = ["flight_number", "name", "date_utc", "date_precision", "upcoming", "launchpad"] as const;

/** Checks one v4 launch document and converts it; throws `PayloadIssue` naming the bad field. */
export function parseLaunch(value: unknown, path: string): SpacexLaunch {
  const doc = record(value, path);
  return {
    id: objectId(doc.id, `${path}.id`),
    name: text(doc.name, `${path}.name`),
    flightNumber: integer(doc.flight_number, `${path}.flight_number`, 1),
    dateUtc: isoInstant(doc.date_utc, `${path}.date_utc`),
    datePrecision: oneOf(doc.date_precision, SPACEX_DATE_PRECISIONS, `${path}.date_precision`),
    upcoming: boolean(doc.upcoming, `${path}.upcoming`),
    launchpadId: doc.launchpad === null ? null : objectId(doc.launchpad, `${path}.launchpad`),
  };
}

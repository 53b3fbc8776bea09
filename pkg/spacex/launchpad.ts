import { ianaTimeZone, objectId, oneOf, record, text } from "./payload.js";

/** Pad status as SpaceX reports it; only `active` pads take bookings. */
export type SpacexPadStatus = "active" | "inactive" | "unknown" | "retired" | "lost" | "under construction";

export const SPACEX_PAD_STATUSES: readonly SpacexPadStatus[] = ["active", "inactive", "unknown", "retired", "lost", "under construction"];

/** The fields of a SpaceX v4 launchpad that booking rules need, camel-cased. */
export interface SpacexLaunchpad {
  readonly id: string;
  readonly name: string;
  readonly fullName: string;
  readonly locality: string;
  readonly region: string;
  /** IANA zone that defines the pad's local calendar day. */
  readonly timezone: string;
  readonly status: SpacexPadStatus;
}

/** Checks one v4 launchpad document and converts it; throws `PayloadIssue` naming the bad field. */
export function parseLaunchpad(value: unknown, path: string): SpacexLaunchpad {
  const doc = record(value, path);
  return {
    id: objectId(doc.id, `${path}.id`),
    name: text(doc.name, `${path}.name`),
    fullName: text(doc.full_name, `${path}.full_name`),
    locality: text(doc.locality, `${path}.locality`),
    region: text(doc.region, `${path}.region`),
    timezone: ianaTimeZone(doc.timezone, `${path}.timezone`),
    status: oneOf(doc.status, SPACEX_PAD_STATUSES, `${path}.status`),
  };
}

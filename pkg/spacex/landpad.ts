import { SPACEX_PAD_STATUSES, type SpacexPadStatus } from "./launchpad.js";
import { nullableNumber, objectId, oneOf, record, text } from "./payload.js";

/** Return-to-launch-site zone or autonomous drone ship. */
export type SpacexLandpadType = "RTLS" | "ASDS";

/** The identifying fields of a SpaceX v4 landpad, camel-cased. */
export interface SpacexLandpad {
  readonly id: string;
  readonly name: string;
  readonly fullName: string;
  readonly type: SpacexLandpadType;
  readonly status: SpacexPadStatus;
  readonly locality: string;
  readonly region: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

/** Checks one v4 landpad document and converts it; throws `PayloadIssue` naming the bad field. */
export function parseLandpad(value: unknown, path: string): SpacexLandpad {
  const doc = record(value, path);
  return {
    id: objectId(doc.id, `${path}.id`),
    name: text(doc.name, `${path}.name`),
    fullName: text(doc.full_name, `${path}.full_name`),
    type: oneOf(doc.type, ["RTLS", "ASDS"] as const, `${path}.type`),
    status: oneOf(doc.status, SPACEX_PAD_STATUSES, `${path}.status`),
    locality: text(doc.locality, `${path}.locality`),
    region: text(doc.region, `${path}.region`),
    latitude: nullableNumber(doc.latitude, `${path}.latitude`),
    longitude: nullableNumber(doc.longitude, `${path}.longitude`),
  };
}

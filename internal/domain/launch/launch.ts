import type { CalendarDate } from "../calendar-date.js";
import type { Destination } from "./destination.js";

export type LaunchStatus = "scheduled" | "cancelled";
export type LaunchCancelReason = "no_passengers" | "spacex_conflict";

/** One of our launches: one pad, one pad-local day, one destination, limited seats. */
export interface Launch {
  readonly id: string;
  readonly launchpadId: string;
  readonly launchDate: CalendarDate;
  readonly destination: Destination;
  readonly capacity: number;
  readonly bookedSeats: number;
  readonly status: LaunchStatus;
  readonly cancelReason: LaunchCancelReason | undefined;
  readonly spacexLaunchId: string | undefined;
  readonly createdAt: Date;
  readonly cancelledAt: Date | undefined;
}

export type DatePrecision = "hour" | "day" | "month" | "quarter" | "half" | "year";

/** A launch from SpaceX's schedule (the mirror the sync keeps). */
export interface SpacexLaunch {
  readonly id: string;
  readonly name: string;
  readonly flightNumber: number | undefined;
  readonly launchpadId: string | undefined;
  readonly dateUtc: Date;
  readonly datePrecision: DatePrecision;
  readonly upcoming: boolean;
  /** Pad-local day, when the pad is known. */
  readonly launchDate: CalendarDate | undefined;
}

/**
 * Rule 5: SpaceX's date is firm enough to block a day only at hour or day precision; a
 * "sometime in December" launch is shown but blocks nothing until SpaceX firms it up.
 */
export function blocksPad(precision: DatePrecision): boolean {
  return precision === "hour" || precision === "day";
}

const LAUNCHPAD_STATUSES = ["active", "inactive", "unknown", "retired", "lost", "under construction"] as const;
export type LaunchpadStatus = (typeof LAUNCHPAD_STATUSES)[number];

/** A pad we share with SpaceX (mirrored from SpaceX's API). */
export interface Launchpad {
  readonly id: string;
  readonly name: string;
  readonly fullName: string;
  readonly locality: string;
  readonly region: string;
  /** IANA zone: the launch day is the calendar date here. */
  readonly timeZone: string;
  readonly status: LaunchpadStatus;
  readonly refreshedAt: Date;
}

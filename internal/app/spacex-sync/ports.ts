import type { Booking } from "../../domain/launch/booking.js";
import type { DatePrecision, Launch } from "../../domain/launch/launch.js";
import type { Launchpad } from "../../domain/launch/launchpad.js";
import type { SyncJob, SyncRun } from "../../domain/spacex-sync/sync.js";
import type { Outbox } from "../ports.js";

/** A SpaceX launch as the provider reports it (only what the schedule needs). */
export interface UpcomingSpacexLaunch {
  readonly id: string;
  readonly name: string;
  readonly flightNumber: number;
  /** Undefined while SpaceX has not picked a pad. */
  readonly launchpadId: string | undefined;
  readonly dateUtc: Date;
  readonly datePrecision: DatePrecision;
}

/** A launchpad as the provider reports it. */
export type LaunchpadSnapshot = Omit<Launchpad, "refreshedAt">;

/**
 * SpaceX's schedule, behind a port because the public API is frozen and tests use fixtures.
 * Each method returns the complete, validated list or throws: never a partial one, since a
 * partial schedule would make vanished launches out of launches that were merely not read.
 */
export interface SpacexProvider {
  listUpcomingLaunches(signal?: AbortSignal): Promise<readonly UpcomingSpacexLaunch[]>;
  listLaunchpads(signal?: AbortSignal): Promise<readonly LaunchpadSnapshot[]>;
}

/** What a replacement of the SpaceX mirror changed. */
export interface MirrorChanges {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** Our launches cancelled because SpaceX took their pad-local day, with their bookings. */
export interface SpacexConflicts {
  readonly launches: readonly Launch[];
  readonly bookings: readonly Booking[];
}

/** The writes of one sync transaction. Each method is a constant number of SQL statements. */
export interface SyncTx {
  /**
   * Makes the mirror exactly `launches`: inserts new ones, moves rescheduled ones, deletes the
   * ones SpaceX no longer lists as upcoming (so they stop blocking).
   */
  replaceSpacexSchedule(launches: readonly UpcomingSpacexLaunch[], at: Date): Promise<MirrorChanges>;
  /**
   * Cancels every scheduled launch of ours, from the pad-local today on, whose pad-local day is
   * taken by a mirrored SpaceX launch of a blocking precision, and its confirmed bookings
   * (reason spacex_conflict, with the SpaceX launch id). Launches come back in a stable order
   * and bookings grouped by launch.
   */
  cancelSpacexConflicts(input: { now: Date; blockingPrecisions: readonly DatePrecision[] }): Promise<SpacexConflicts>;
  /** Inserts or updates pads (status, time zone, names); pads SpaceX no longer lists are kept. */
  upsertLaunchpads(pads: readonly LaunchpadSnapshot[], at: Date): Promise<Omit<MirrorChanges, "removed">>;
  /** Events committed with the changes; must take any number of events in one statement. */
  readonly outbox: Outbox;
  recordRun(run: SyncRun): Promise<void>;
}

/** One runner's exclusive hold on the SpaceX sync, for the duration of a run. */
export interface SyncSession {
  /** Start of the job's latest successful run. */
  lastSuccess(job: SyncJob): Promise<Date | undefined>;
  /**
   * Runs fn in one transaction that also keeps bookings out (no booking checked against the old
   * schedule commits after this transaction's cancellations). Commits when fn resolves.
   */
  transaction<T>(fn: (tx: SyncTx) => Promise<T>): Promise<T>;
  /** Records a run outside any transaction (for failures, after the rollback). */
  recordRun(run: SyncRun): Promise<void>;
}

/** What `SyncLock.runExclusive` returns: fn's value, or that another runner holds the lock. */
type Exclusive<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * The cluster-wide "one SpaceX sync at a time" lock. Exactly one runner across all replicas
 * holds it; the others skip instead of queueing. It must survive the slow part of a run (the
 * HTTP fetch) without holding a transaction open, and vanish if the runner dies.
 */
export interface SyncLock {
  runExclusive<T>(fn: (session: SyncSession) => Promise<T>): Promise<Exclusive<T>>;
}

/** The runs an operator wants to see for one job. */
export interface SyncJobHistory {
  readonly lastRun: SyncRun | undefined;
  readonly lastSuccess: SyncRun | undefined;
  readonly lastFailure: SyncRun | undefined;
}

/** Read side of the sync bookkeeping (no lock needed). */
export interface SyncStatusReader {
  history(job: SyncJob): Promise<SyncJobHistory>;
  /** Whether some runner, on any replica, holds the sync lock right now. */
  isRunning(): Promise<boolean>;
}

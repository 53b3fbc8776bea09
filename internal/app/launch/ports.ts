import type { Booking, BookingStatus, Cancellation } from "../../domain/launch/booking.js";
import type { CalendarDate } from "../../domain/calendar-date.js";
import type { Destination } from "../../domain/launch/destination.js";
import type { Launch, SpacexLaunch } from "../../domain/launch/launch.js";
import type { Launchpad, LaunchpadStatus } from "../../domain/launch/launchpad.js";
import type { Page, PageRequest, UnitOfWork } from "../ports.js";

export interface LaunchpadRepository {
  get(id: string): Promise<Launchpad | undefined>;
  list(filter: { status?: LaunchpadStatus }): Promise<readonly Launchpad[]>;
}

export interface SeatRequest {
  readonly launchpadId: string;
  readonly launchDate: CalendarDate;
  readonly destination: Destination;
  readonly capacity: number;
  /** Id for the launch, used only if this booking is the day's first. */
  readonly newLaunchId: string;
  readonly now: Date;
}

export interface LaunchRepository {
  /**
   * Takes one seat on the pad's launch that day, creating the launch if it is the first
   * booking (rules 3, 4 and 6). Throws DomainError for another destination that day, a
   * destination already used that week, or a full launch. Locks the launch row until commit.
   */
  reserveSeat(req: SeatRequest): Promise<Launch>;
  /** Locks the launch row until commit (call before touching its bookings). */
  lock(launchId: string): Promise<Launch>;
  /** Frees one seat; the launch is cancelled when its last seat is freed (rule 7). */
  releaseSeat(launchId: string, now: Date): Promise<Launch>;
  list(filter: LaunchFilter, page: PageRequest): Promise<Page<LaunchListItem>>;
}

export interface LaunchFilter {
  readonly launchpadId?: string;
  readonly fromDate?: CalendarDate;
  readonly toDate?: CalendarDate;
  readonly provider?: "spacet" | "spacex";
}

/** Ours or SpaceX's, as ListLaunches shows them side by side. */
export type LaunchListItem = { readonly provider: "spacet"; readonly launch: Launch } | { readonly provider: "spacex"; readonly launch: SpacexLaunch };

export interface SpacexScheduleRepository {
  /** The SpaceX launch that blocks the pad on that pad-local day (rule 5), if any. */
  findBlocking(launchpadId: string, launchDate: CalendarDate): Promise<SpacexLaunch | undefined>;
}

export interface BookingFilter {
  readonly launchpadId?: string;
  readonly destination?: Destination;
  readonly status?: BookingStatus;
  readonly fromLaunchDate?: CalendarDate;
  readonly toLaunchDate?: CalendarDate;
}

export interface BookingRepository {
  /** Throws DomainError REQUEST_ID_TAKEN when another booking already holds `requestId`. */
  insert(booking: Booking, fingerprint: string | undefined): Promise<void>;
  get(id: string): Promise<Booking | undefined>;
  findByRequestId(requestId: string): Promise<{ booking: Booking; fingerprint: string | undefined } | undefined>;
  /** Cancels a confirmed booking; undefined when it was not confirmed (already cancelled). */
  cancelIfConfirmed(id: string, cancellation: Cancellation): Promise<Booking | undefined>;
  list(filter: BookingFilter, page: PageRequest): Promise<Page<Booking>>;
}

/** The launch context's repositories: what its use cases read, in a transaction or not. */
interface LaunchRepositories {
  readonly launchpads: LaunchpadRepository;
  readonly launches: LaunchRepository;
  readonly bookings: BookingRepository;
  readonly spacexSchedule: SpacexScheduleRepository;
}

/** What a launch use case may touch inside one transaction. */
export interface LaunchTx extends LaunchRepositories {
  /**
   * Reads the launchpad a booking is for and, until commit, holds the booking side of the
   * schedule lock and the lock of the pad's ISO week that holds `launchDate`. Bookings for other
   * pads or weeks run concurrently; bookings never run while a SpaceX sync applies its
   * cancellations (a booking checked against the old schedule could otherwise slip in after the
   * sync's cancel). Read the SpaceX schedule only after this resolves.
   */
  lockForBooking(launchpadId: string, launchDate: CalendarDate): Promise<Launchpad | undefined>;
}

/** Transactions of the launch context. */
export type LaunchUnitOfWork = UnitOfWork<LaunchTx, LaunchRepositories>;

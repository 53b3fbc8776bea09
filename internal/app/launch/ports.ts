import type { Booking, BookingStatus, Cancellation } from "../../domain/launch/booking.js";
import type { CalendarDate } from "../../domain/calendar-date.js";
import type { Destination } from "../../domain/launch/destination.js";
import type { Launch, SpacexLaunch } from "../../domain/launch/launch.js";
import type { Launchpad, LaunchpadStatus } from "../../domain/launch/launchpad.js";
import type { Call, Page, PageRequest, UnitOfWork } from "../ports.js";

export interface LaunchpadRepository {
  get(id: string): Promise<Launchpad | undefined>;
  list(filter: { status?: LaunchpadStatus }): Promise<readonly Launchpad[]>;
}

export interface LaunchRepository {
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

export interface BookingFilter {
  readonly launchpadId?: string;
  readonly destination?: Destination;
  readonly status?: BookingStatus;
  readonly fromLaunchDate?: CalendarDate;
  readonly toLaunchDate?: CalendarDate;
}

export interface BookingRepository {
  get(id: string): Promise<Booking | undefined>;
  findByRequestId(requestId: string): Promise<{ booking: Booking; fingerprint: string | undefined } | undefined>;
  /** Cancels a confirmed booking; undefined when it was not confirmed (already cancelled). */
  cancelIfConfirmed(id: string, cancellation: Cancellation): Promise<Booking | undefined>;
  list(filter: BookingFilter, page: PageRequest): Promise<Page<Booking>>;
}

/** The launch context's repositories: what its use cases touch, in a transaction or not. */
export interface LaunchRepositories {
  readonly launchpads: LaunchpadRepository;
  readonly launches: LaunchRepository;
  readonly bookings: BookingRepository;
}

/** Transactions of the launch context. */
export type LaunchUnitOfWork = UnitOfWork<LaunchRepositories>;

/** A booking to make: the ticket as it will be once the launch is known, and what creating the launch needs. */
export interface NewBooking {
  readonly booking: Omit<Booking, "launchId">;
  /** Stored with `booking.requestId` to tell a retry from another request reusing the key. */
  readonly fingerprint: string | undefined;
  /** Id for the launch, used only if this booking is the day's first. */
  readonly newLaunchId: string;
  /** Capacity of a launch this booking creates. */
  readonly capacity: number;
  /** The clock's now: decides "today" at the pad. */
  readonly now: Date;
}

/** How a booking attempt ended: booked, or the rule that refused it with what the refusal reports. */
export type BookOutcome =
  | { readonly outcome: "booked"; readonly launchId: string }
  /** A booking with this request_id is committed (before, or by a concurrent retry): read it. */
  | { readonly outcome: "request_id_used" }
  | { readonly outcome: "launchpad_not_found" }
  | { readonly outcome: "launchpad_not_active"; readonly padStatus: LaunchpadStatus }
  | { readonly outcome: "launch_date_not_ahead"; readonly padToday: CalendarDate; readonly padTimeZone: string }
  | { readonly outcome: "taken_by_spacex"; readonly padName: string; readonly spacexLaunch: { readonly id: string; readonly name: string } }
  | { readonly outcome: "launch_day_taken"; readonly launch: { readonly id: string; readonly destination: Destination } }
  | { readonly outcome: "destination_used_this_week" }
  | { readonly outcome: "launch_full"; readonly launch: { readonly id: string; readonly capacity: number } }
  | { readonly outcome: "seat_race_lost" };

/**
 * Books one passenger as ONE atomic step: the checks that need the database's state (pad
 * exists and is active, launch date after today at the pad, SpaceX's schedule, one launch per
 * pad and day, one destination per pad and week, capacity, the idempotency key), the seat, the
 * booking and its BookingCreated event commit together or not at all. Bookings never run while
 * a SpaceX sync applies its cancellations (a booking checked against the old schedule could
 * otherwise slip in after the sync's cancel). Refusals come back as outcomes and change nothing.
 * A lost race it cannot settle is DomainError "conflict", a lost database "unavailable". Once
 * `call.signal` fires the booking is not sent, or stops where it is and books nothing; the
 * promise rejects with the signal's reason.
 */
export interface Booker {
  book(order: NewBooking, call?: Call): Promise<BookOutcome>;
}

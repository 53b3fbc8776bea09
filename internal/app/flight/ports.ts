import type { CalendarDate } from "../../domain/calendar-date.js";
import type { FlightAvailability } from "../../domain/flight/availability.js";
import type { Flight } from "../../domain/flight/flight.js";
import type { FlightBooking, FlightBookingCancelReason, FlightBookingStatus } from "../../domain/flight/flight-booking.js";
import type { SeatCounts } from "../../domain/flight/seat-class.js";
import type { Call, Page, PageRequest, UnitOfWork } from "../ports.js";

/** What SearchFlights filters on: a route, optionally a local departure date and bookable flights only. */
export interface FlightSearch {
  readonly origin: string;
  readonly destination: string;
  /** Local departure date at the origin; undefined: every flight that has not departed yet. */
  readonly departureDate?: CalendarDate;
  /** Only flights selling seats now: open, offer not expired. */
  readonly onlyBookable?: boolean;
}

/** Flights in the database; the methods that lock or write need a transaction. */
export interface FlightRepository {
  /** Throws DomainError FLIGHT_CODE_TAKEN (already_exists) for a code already flying that local date. */
  insert(flight: Flight): Promise<void>;
  get(id: string): Promise<Flight | undefined>;
  /** Reads the flight and locks its row until commit: bookings and changes of it wait. */
  lock(id: string): Promise<Flight | undefined>;
  /** Writes what changes on a flight (seats, statuses, estimate, version, updated time). */
  update(flight: Flight): Promise<void>;
  /**
   * Closes (offer_expired, version + 1) up to `limit` open flights whose offer ended by the
   * database clock, skipping flights another transaction holds (they are closed by that
   * transaction or at the next call), and returns them as closed.
   */
  closeExpired(limit: number): Promise<Flight[]>;
  /** Sorted by departure time, then id; keyset pages. */
  search(filter: FlightSearch, page: PageRequest): Promise<Page<Flight>>;
}

/** What ListFlightBookings filters on (the use case pins `userId` for users). */
export interface FlightBookingFilter {
  readonly flightId?: string;
  readonly userId?: string;
  readonly status?: FlightBookingStatus;
}

/** Flight bookings in the database (the coordinator inserts them; see SeatCoordinator). */
export interface FlightBookingRepository {
  get(id: string): Promise<FlightBooking | undefined>;
  /** Cancels a confirmed booking; undefined when it was not confirmed any more. */
  cancelIfConfirmed(id: string, reason: FlightBookingCancelReason, at: Date): Promise<FlightBooking | undefined>;
  /** Cancels every confirmed booking of a flight in one statement and returns them. */
  cancelAllConfirmed(flightId: string, reason: FlightBookingCancelReason, at: Date): Promise<FlightBooking[]>;
  /** Newest first; keyset pages. */
  list(filter: FlightBookingFilter, page: PageRequest): Promise<Page<FlightBooking>>;
}

/** The flight context's repositories: what its use cases read, in a transaction or not. */
export interface FlightTx {
  readonly flights: FlightRepository;
  readonly bookings: FlightBookingRepository;
}

/** Transactions of the flight context. */
export type FlightUnitOfWork = UnitOfWork<FlightTx>;

/** One booking request as the coordinator takes it (already valid in shape and size). */
export interface SeatRequest {
  readonly flightId: string;
  /** Id for the booking, used only if one is made. */
  readonly bookingId: string;
  readonly userId: string;
  /** Snapshot of the user's name on the booking. */
  readonly userName: string;
  readonly requestId: string | undefined;
  readonly seats: SeatCounts;
}

/** What the coordinator decided for one request. */
export type SeatDecision =
  | { readonly outcome: "confirmed"; readonly booking: FlightBooking; readonly availability: FlightAvailability }
  /** The user's request_id already made this booking (a retry): the original is returned as it is now. */
  | { readonly outcome: "replayed"; readonly booking: FlightBooking; readonly availability: FlightAvailability }
  /** The user's request_id already made a booking for another flight or other seats. */
  | { readonly outcome: "request_id_reused" }
  | { readonly outcome: "flight_not_found" }
  | {
      readonly outcome: "seat_class_not_offered" | "insufficient_seats" | "flight_closed" | "flight_cancelled";
      readonly availability: FlightAvailability;
    };

/**
 * The coordinator: sells seats on a flight without ever overbooking, whatever the concurrency
 * and the number of replicas. Each request is all or nothing across classes and is decided
 * against the flight as the requests before it left it (the flight's row in the database is
 * the serialization point, its offer window is judged by the database clock while the row is
 * locked). The booking and its events commit with the seat change.
 */
export interface SeatCoordinator {
  /**
   * Decides one request. `call.signal` withdraws a request still waiting for its turn; once its
   * statement is sent (with others' requests), the decision stands whatever the caller does.
   */
  book(request: SeatRequest, call?: Call): Promise<SeatDecision>;
}

/**
 * Tells every replica's watchers that flights changed. Called after the change committed (never
 * inside the transaction: see flight-change-notifier.ts for why), fire and forget: a lost
 * announcement delays watchers until the flight's next change or the listener's next resync,
 * it never fails the change itself.
 */
export interface FlightChanges {
  changed(flightIds: readonly string[]): void;
}

/** An announcer for tests and tools that run without watchers. */
export const NO_FLIGHT_CHANGES: FlightChanges = { changed: () => undefined };

/** What a replica hears of flight changes made anywhere (its one LISTEN connection). */
export interface FlightChangeFeed {
  /**
   * Starts hearing: `changed` for each announcement (`version` is the flight's version when it
   * was announced), `resync` after each (re)connection, since announcements made while
   * disconnected are lost and every watched flight must be read again.
   */
  start(handlers: { changed(flightId: string, version: number): void; resync(): void }): void;
  /** Stops hearing and reconnecting. */
  close(): Promise<void>;
}

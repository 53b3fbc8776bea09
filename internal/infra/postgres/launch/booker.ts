import { CompiledQuery, type Kysely } from "kysely";
import type { BookOutcome, Booker } from "../../../app/launch/ports.js";
import type { IdGenerator } from "../../../app/ports.js";
import type { CalendarDate } from "../../../domain/calendar-date.js";
import type { Destination } from "../../../domain/launch/destination.js";
import { bookingCreated } from "../../../domain/launch/events.js";
import type { Launch } from "../../../domain/launch/launch.js";
import type { LaunchpadStatus } from "../../../domain/launch/launchpad.js";
import type { EncodeEvent } from "../../outbox/event-encoding.js";
import { AdvisoryLock } from "../locks.js";
import { isPgError, PG } from "../pg-errors.js";
import { preparedStatement } from "../prepared-statements.js";
import type { Database } from "../schema.js";
import { runTransaction } from "../unit-of-work.js";

/**
 * The whole booking is the create_booking function (migrations/postgresql/0011_create_booking.sql)
 * called in autocommit: one round trip, no BEGIN/COMMIT. The text is fixed, so it is compiled
 * once here instead of being built by Kysely on every call, and prepared once per connection.
 */
const CREATE_BOOKING = preparedStatement("create_booking", `select * from create_booking(${Array.from({ length: 19 }, (_, i) => `$${i + 1}`).join(", ")})`);

/** create_booking's OUT columns. */
interface CreateBookingRow {
  readonly outcome: string;
  readonly launch_id: string | null;
  /** For a refusal, what the caller needs to say why (see the migration). */
  readonly refusal: Readonly<Record<string, string | number>> | null;
}

/**
 * The launch's part of BookingCreated before the database has picked the launch. Protobuf JSON
 * leaves out fields at their zero value, so the encoded payload lacks exactly the launch's id,
 * seats and capacity, and create_booking adds them under their JSON names once it holds the
 * launch row (create-booking.test.ts checks the result equals the encoder's own output).
 */
const LAUNCH_NOT_YET_KNOWN: Launch = {
  id: "",
  launchpadId: "",
  launchDate: "" as CalendarDate,
  destination: "mars",
  capacity: 0,
  bookedSeats: 0,
  status: "scheduled",
  cancelReason: undefined,
  spacexLaunchId: undefined,
  createdAt: new Date(0),
  cancelledAt: undefined,
};

/**
 * Booker over Postgres: one statement per booking, with the unit of work's retries and error
 * mapping. The service's driver classifies its database faults and obeys the call's signal like
 * for any statement: fired before, the statement is never sent; fired while it runs, it is
 * cancelled, and an autocommit statement that ends in an error has committed nothing.
 */
export function createBooker(db: Kysely<Database>, deps: { readonly ids: IdGenerator; readonly encode: EncodeEvent }): Booker {
  return {
    async book(order, call) {
      const b = order.booking;
      const event = deps.encode(bookingCreated({ ...b, launchId: "" }, LAUNCH_NOT_YET_KNOWN));
      const query = CompiledQuery.raw(CREATE_BOOKING, [
        b.requestId ?? null,
        order.fingerprint ?? null,
        b.id,
        order.newLaunchId,
        b.launchpadId,
        b.launchDate,
        b.destination,
        b.firstName,
        b.lastName,
        b.gender,
        b.birthday,
        order.capacity,
        order.now.toISOString(),
        deps.ids(),
        event.aggregateType,
        event.eventType,
        JSON.stringify(event.payload),
        AdvisoryLock.bookingWrites,
        AdvisoryLock.padWeek,
      ]);
      return runTransaction(db, call?.signal, async (bound) => {
        try {
          const { rows } = await bound.executeQuery<CreateBookingRow>(query);
          return toOutcome(rows[0]);
        } catch (e) {
          // The two refusals a unique index decides: the statement rolled back as a whole.
          if (isPgError(e, PG.uniqueViolation) && e.constraint === "launches_destination_once_per_pad_week") return { outcome: "destination_used_this_week" };
          if (isPgError(e, PG.uniqueViolation) && e.constraint === "bookings_request_id_key") return { outcome: "request_id_used" };
          throw e;
        }
      });
    },
  };
}

function toOutcome(row: CreateBookingRow): BookOutcome {
  const r = row.refusal ?? {};
  switch (row.outcome) {
    case "booked":
      return { outcome: "booked", launchId: text(row.launch_id, "launch_id") };
    case "request_id_used":
    case "launchpad_not_found":
    case "seat_race_lost":
      return { outcome: row.outcome };
    case "launchpad_not_active":
      return { outcome: "launchpad_not_active", padStatus: text(r.padStatus, "padStatus") as LaunchpadStatus };
    case "launch_date_not_ahead":
      return { outcome: "launch_date_not_ahead", padToday: text(r.padToday, "padToday") as CalendarDate, padTimeZone: text(r.padTimeZone, "padTimeZone") };
    case "taken_by_spacex":
      return {
        outcome: "taken_by_spacex",
        padName: text(r.padName, "padName"),
        spacexLaunch: { id: text(r.spacexLaunchId, "spacexLaunchId"), name: text(r.spacexLaunchName, "spacexLaunchName") },
      };
    case "launch_day_taken":
      return { outcome: "launch_day_taken", launch: { id: text(r.launchId, "launchId"), destination: text(r.destination, "destination") as Destination } };
    case "launch_full":
      return { outcome: "launch_full", launch: { id: text(r.launchId, "launchId"), capacity: Number(r.capacity) } };
    default:
      throw new Error(`create_booking returned an unknown outcome: ${row.outcome}`);
  }
}

/** A value create_booking always sets for the outcome at hand. */
function text(value: string | number | null | undefined, name: string): string {
  if (typeof value !== "string") throw new Error(`create_booking left out ${name}`);
  return value;
}

import type { ColumnType, Generated } from "kysely";

/** Row types of every table in migrations/postgresql, and the migrator's own (snake_case, as in SQL). */
export interface Database {
  launchpads: LaunchpadTable;
  launches: LaunchTable;
  bookings: BookingTable;
  spacex_launches: SpacexLaunchTable;
  outbox: OutboxTable;
  outbox_leases: OutboxLeaseTable;
  sync_runs: SyncRunTable;
  schema_migrations: SchemaMigrationTable;
  users: UserTable;
  login_throttle: LoginThrottleTable;
  flights: FlightTable;
  flight_bookings: FlightBookingTable;
  alerts: AlertTable;
  flight_subscriptions: FlightSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
}

/** `date` columns travel as YYYY-MM-DD text (see the type parsers in db.ts). */
type DateText = string;
/** `bigint` columns travel as decimal text so no precision is lost. */
type BigintText = ColumnType<string, never, never>;

export interface LaunchpadTable {
  id: string;
  name: string;
  full_name: string;
  locality: string;
  region: string;
  time_zone: string;
  status: string;
  refreshed_at: ColumnType<Date, Date | undefined, Date>;
}

export interface LaunchTable {
  id: string;
  launchpad_id: string;
  launch_date: DateText;
  launch_week: ColumnType<DateText, never, never>;
  destination: string;
  capacity: number;
  booked_seats: number;
  status: string;
  cancel_reason: string | null;
  spacex_launch_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  cancelled_at: Date | null;
}

export interface BookingTable {
  id: string;
  seq: BigintText;
  launch_id: string;
  launchpad_id: string;
  destination: string;
  launch_date: DateText;
  first_name: string;
  last_name: string;
  gender: string;
  birthday: DateText;
  status: string;
  cancel_reason: string | null;
  spacex_launch_id: string | null;
  cancelled_at: Date | null;
  request_id: string | null;
  request_fingerprint: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface SpacexLaunchTable {
  id: string;
  name: string;
  flight_number: number | null;
  launchpad_id: string | null;
  date_utc: Date;
  date_precision: string;
  upcoming: boolean;
  synced_at: ColumnType<Date, Date | undefined, Date>;
}

interface OutboxTable {
  id: string;
  seq: BigintText;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_error: string | null;
  published_at: Date | null;
}

interface OutboxLeaseTable {
  aggregate_id: string;
  owner_pid: number;
  token: Generated<string>;
  expires_at: Date;
}

export interface SyncRunTable {
  id: string;
  job: string;
  trigger: string;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  outcome: string;
  error: string | null;
  fetched: Generated<number>;
  added: Generated<number>;
  changed: Generated<number>;
  removed: Generated<number>;
  launches_cancelled: Generated<number>;
  bookings_cancelled: Generated<number>;
}

/** Created by the migrator itself (migrator.ts), not by a migration file. */
interface SchemaMigrationTable {
  version: string;
  checksum: string;
  applied_at: ColumnType<Date, Date | undefined, never>;
}

export interface UserTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface LoginThrottleTable {
  key: string;
  window_start: Date;
  attempts: number;
}

export interface FlightTable {
  id: string;
  flight_code: string;
  airline: string;
  aircraft_type: string;
  origin: string;
  destination: string;
  origin_time_zone: string;
  departure_time: Date;
  arrival_time: Date;
  departure_date_local: DateText;
  window_capacity: number;
  window_available: number;
  aisle_capacity: number;
  aisle_available: number;
  middle_capacity: number;
  middle_available: number;
  /** bigint as decimal text (see db.ts); prices stay far below 2^53. */
  price_minor: ColumnType<string, string | number, string | number>;
  currency: string;
  offer_expires_at: Date;
  status: string;
  close_reason: string | null;
  operational_status: string;
  estimated_departure_time: Date | null;
  version: ColumnType<string, string | number, string | number>;
  created_at: Date;
  updated_at: Date;
}

export interface FlightBookingTable {
  id: string;
  seq: BigintText;
  flight_id: string;
  user_id: string;
  user_name: string;
  window_seats: number;
  aisle_seats: number;
  middle_seats: number;
  total_price_minor: ColumnType<string, string | number, string | number>;
  currency: string;
  status: string;
  cancel_reason: string | null;
  request_id: string | null;
  created_at: Date;
  cancelled_at: Date | null;
}

export interface AlertTable {
  id: string;
  seq: BigintText;
  user_id: string;
  origin: string;
  destination: string;
  departure_date: DateText | null;
  departure_month: DateText | null;
  last_date: DateText;
  webhook_url: string;
  secret: string;
  created_at: Date;
  deleted_at: Date | null;
  disabled_at: Date | null;
}

export interface FlightSubscriptionTable {
  id: string;
  seq: BigintText;
  flight_id: string;
  user_id: string;
  webhook_url: string;
  secret: string;
  created_at: Date;
  ended_at: Date | null;
  ended_reason: string | null;
  disabled_at: Date | null;
}

export interface WebhookDeliveryTable {
  id: string;
  seq: BigintText;
  event_type: string;
  flight_id: string;
  event_id: string;
  alert_id: string | null;
  subscription_id: string | null;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  lease_token: string | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

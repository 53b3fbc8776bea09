-- Flights and their bookings. Every invariant that concurrent bookings or several replicas could
-- break is a constraint here; the coordinator (0009) is what keeps them without ever tripping one.

create table flights (
  id                       uuid primary key,
  flight_code              text not null check (flight_code ~ '^[A-Z0-9]{2,3}[0-9]{1,4}[A-Z]?$'),
  airline                  text not null check (length(airline) between 1 and 100),
  aircraft_type            text not null check (length(aircraft_type) between 1 and 100),
  origin                   text not null check (origin ~ '^[A-Z]{3}$'),
  destination              text not null check (destination ~ '^[A-Z]{3}$'),
  origin_time_zone         text not null,
  departure_time           timestamptz not null,
  arrival_time             timestamptz not null,
  -- The departure's calendar date in origin_time_zone, stored at insert: search and alerts
  -- filter on it, and it must not depend on any session's or server's zone.
  departure_date_local     date not null,
  -- The three seat classes as columns of the one row, so a booking across classes is decided
  -- and written under one row lock, all or nothing.
  window_capacity          integer not null check (window_capacity >= 0),
  window_available         integer not null,
  aisle_capacity           integer not null check (aisle_capacity >= 0),
  aisle_available          integer not null,
  middle_capacity          integer not null check (middle_capacity >= 0),
  middle_available         integer not null,
  price_minor              bigint not null check (price_minor >= 0),
  currency                 text not null check (currency ~ '^[A-Z]{3}$'),
  -- LEAST(created_at + offer duration, departure_time), computed when the flight is created.
  -- Stored, not generated: timestamptz + interval is not immutable (it depends on TimeZone for
  -- day and month units), so PostgreSQL refuses it in a generated column.
  offer_expires_at         timestamptz not null,
  status                   text not null default 'open' check (status in ('open', 'closed', 'cancelled')),
  close_reason             text check (close_reason in ('sold_out', 'offer_expired', 'departed')),
  operational_status       text not null default 'scheduled'
                             check (operational_status in ('scheduled', 'on_time', 'delayed', 'boarding', 'departed', 'arrived')),
  estimated_departure_time timestamptz,
  -- Grows by one with every change (events, clients and optimistic updates compare it).
  version                  bigint not null default 1 check (version >= 1),
  created_at               timestamptz not null,
  updated_at               timestamptz not null,
  -- The backstop against overbooking, whatever the writer: seats never go below zero nor
  -- above what the class has.
  check (window_available between 0 and window_capacity),
  check (aisle_available between 0 and aisle_capacity),
  check (middle_available between 0 and middle_capacity),
  check (window_capacity + aisle_capacity + middle_capacity >= 1),
  check (origin <> destination),
  check (arrival_time > departure_time),
  check (offer_expires_at <= departure_time),
  check ((status = 'closed') = (close_reason is not null)),
  -- Flight numbers repeat daily: a code is unique per local departure date.
  constraint flights_code_per_day_key unique (flight_code, departure_date_local)
);

-- SearchFlights: route and local date, ordered by departure with the id as tie-break.
create index flights_search on flights (origin, destination, departure_date_local, departure_time, id);
-- The expiry job looks only at open flights, oldest offer end first.
create index flights_open_by_offer_expiry on flights (offer_expires_at) where status = 'open';

create table flight_bookings (
  id                uuid primary key,
  -- Immutable creation order: the keyset for newest-first pagination (created_at could tie).
  seq               bigint generated always as identity unique,
  flight_id         uuid not null references flights (id),
  user_id           uuid not null references users (id),
  -- The user's name at booking time (it is shown with the booking; events carry only ids).
  user_name         text not null,
  window_seats      integer not null check (window_seats >= 0),
  aisle_seats       integer not null check (aisle_seats >= 0),
  middle_seats      integer not null check (middle_seats >= 0),
  total_price_minor bigint not null check (total_price_minor >= 0),
  currency          text not null,
  status            text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
  cancel_reason     text check (cancel_reason in ('customer_request', 'flight_cancelled', 'operator')),
  -- Idempotency key per user: a retry finds the original booking; NULLs never collide.
  request_id        uuid,
  created_at        timestamptz not null,
  cancelled_at      timestamptz,
  check (window_seats + aisle_seats + middle_seats >= 1),
  check ((status = 'cancelled') = (cancel_reason is not null and cancelled_at is not null)),
  constraint flight_bookings_user_request_key unique (user_id, request_id)
);

create index flight_bookings_by_user on flight_bookings (user_id, seq);
create index flight_bookings_by_flight on flight_bookings (flight_id, seq);

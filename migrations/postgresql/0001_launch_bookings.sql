-- Launch bookings: launchpads (a mirror of SpaceX's), our launches, bookings and the SpaceX
-- schedule mirror. Every invariant that concurrent requests or several replicas could break
-- is a constraint here, not a check in process memory.

create table launchpads (
  id           text primary key,            -- SpaceX's id (24-hex ObjectId)
  name         text not null,
  full_name    text not null,
  locality     text not null,
  region       text not null,
  time_zone    text not null,               -- IANA zone: "the day" of a launch is the date here
  status       text not null check (status in
                 ('active', 'inactive', 'unknown', 'retired', 'lost', 'under construction')),
  refreshed_at timestamptz not null default now()
);

create table launches (
  id               uuid primary key,
  launchpad_id     text not null references launchpads (id),
  launch_date      date not null,           -- pad-local calendar date
  -- Monday of the ISO week. date_trunc on a timestamp *without* time zone is immutable, so the
  -- week cannot drift with the session's TimeZone (a bug of the Go seed).
  launch_week      date generated always as (date_trunc('week', launch_date::timestamp)::date) stored,
  destination      text not null check (destination in
                     ('mars', 'moon', 'pluto', 'asteroid_belt', 'europa', 'titan', 'ganymede')),
  capacity         integer not null check (capacity > 0),
  -- Seats are taken with a conditional UPDATE (booked_seats < capacity); this CHECK is the
  -- backstop that makes overselling impossible even for a buggy writer.
  booked_seats     integer not null default 0 check (booked_seats >= 0 and booked_seats <= capacity),
  status           text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
  cancel_reason    text check (cancel_reason in ('no_passengers', 'spacex_conflict')),
  spacex_launch_id text,
  created_at       timestamptz not null default now(),
  cancelled_at     timestamptz,
  check ((status = 'cancelled') = (cancelled_at is not null))
);

-- Rule 3: one (non-cancelled) launch per pad and pad-local day. Concurrent first bookings race
-- on this index: INSERT ... ON CONFLICT DO NOTHING makes the loser wait for the winner's commit
-- and then join its launch instead of failing.
create unique index launches_one_per_pad_day
  on launches (launchpad_id, launch_date) where status = 'scheduled';

-- Rule 4: a destination flies at most once per pad and ISO week.
create unique index launches_destination_once_per_pad_week
  on launches (launchpad_id, launch_week, destination) where status = 'scheduled';

create index launches_by_date on launches (launch_date, id);

create table bookings (
  id                  uuid primary key,     -- the ticket id the customer keeps
  -- Immutable creation order: the keyset for AIP-158 pagination (created_at could tie).
  seq                 bigint generated always as identity unique,
  launch_id           uuid not null references launches (id),
  -- Copied from the launch (they never change for a booking) so list filters need no join.
  launchpad_id        text not null references launchpads (id),
  destination         text not null,
  launch_date         date not null,
  first_name          text not null,
  last_name           text not null,
  gender              text not null check (gender in ('female', 'male', 'non_binary', 'other')),
  birthday            date not null,
  status              text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
  cancel_reason       text check (cancel_reason in ('customer_request', 'spacex_conflict')),
  spacex_launch_id    text,
  cancelled_at        timestamptz,
  -- Idempotency key (rule 8): a retry with the same id finds the original booking. The
  -- fingerprint tells a retry apart from a different request that reuses the key.
  request_id          uuid unique,
  request_fingerprint text,
  created_at          timestamptz not null default now(),
  check ((status = 'cancelled') = (cancel_reason is not null and cancelled_at is not null))
);

create index bookings_confirmed_by_launch on bookings (launch_id) where status = 'confirmed';
create index bookings_by_pad on bookings (launchpad_id, seq);
create index bookings_by_status on bookings (status, seq);
create index bookings_by_destination on bookings (destination, seq);
create index bookings_by_launch_date on bookings (launch_date, seq);

-- Mirror of SpaceX's schedule, replaced by each sync. The pad-local day is derived at query
-- time from date_utc and the pad's time zone, so a pad whose zone changes stays consistent.
create table spacex_launches (
  id             text primary key,          -- SpaceX's launch id
  name           text not null,
  flight_number  integer,
  launchpad_id   text,                      -- may name a pad we do not know yet
  date_utc       timestamptz not null,
  date_precision text not null check (date_precision in ('hour', 'day', 'month', 'quarter', 'half', 'year')),
  upcoming       boolean not null,
  synced_at      timestamptz not null default now()
);

-- Only hour/day precision blocks a day (SPEC §3 rule 5); coarser dates are shown, not enforced.
create index spacex_launches_blocking
  on spacex_launches (launchpad_id, date_utc) where date_precision in ('hour', 'day');

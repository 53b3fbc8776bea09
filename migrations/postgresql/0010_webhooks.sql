-- Alerts, flight subscriptions and their webhook deliveries (SPEC §4.3).
--
-- Each alert and subscription is one webhook endpoint with its own Standard Webhooks secret
-- (whsec_…, returned once at creation). The secret is kept as given: the dispatcher must sign
-- with it, so a hash would not do; it never leaves the database except in that one answer and
-- in the signatures.

create table alerts (
  id              uuid primary key,
  -- Immutable creation order: the keyset for newest-first pagination.
  seq             bigint generated always as identity unique,
  user_id         uuid not null references users (id),
  origin          text not null check (origin ~ '^[A-Z]{3}$'),
  destination     text not null check (destination ~ '^[A-Z]{3}$'),
  -- Either one local departure date (at the flight's origin) or a whole month (its first day).
  departure_date  date,
  departure_month date check (departure_month = date_trunc('month', departure_month)::date),
  -- The last local date the alert can match: it has expired once that date is over.
  last_date       date not null,
  webhook_url     text not null check (length(webhook_url) between 1 and 2048),
  secret          text not null check (secret like 'whsec_%'),
  created_at      timestamptz not null,
  -- DeleteAlert keeps the row (operators still see its deliveries) and stops it matching.
  deleted_at      timestamptz,
  -- A 410 Gone from the endpoint turns it off.
  disabled_at     timestamptz,
  check ((departure_date is null) <> (departure_month is null)),
  check (origin <> destination)
);

-- The match on flight creation: live alerts of one route, by the date they can still match.
create index alerts_live_by_route on alerts (origin, destination, last_date) where deleted_at is null and disabled_at is null;
create index alerts_by_user on alerts (user_id, seq);

create table flight_subscriptions (
  id              uuid primary key,
  seq             bigint generated always as identity unique,
  flight_id       uuid not null references flights (id),
  user_id         uuid not null references users (id),
  webhook_url     text not null check (length(webhook_url) between 1 and 2048),
  secret          text not null check (secret like 'whsec_%'),
  created_at      timestamptz not null,
  -- Unsubscribe, or the flight reached ARRIVED / CANCELLED (set by the trigger below).
  ended_at        timestamptz,
  ended_reason    text check (ended_reason in ('unsubscribed', 'flight_arrived', 'flight_cancelled')),
  disabled_at     timestamptz,
  check ((ended_at is null) = (ended_reason is null))
);

-- One live subscription per user and flight: a racing second Subscribe is a unique violation
-- (ALREADY_EXISTS), never a check-then-insert. An ended one does not block a new one.
create unique index flight_subscriptions_live_key on flight_subscriptions (flight_id, user_id) where ended_at is null;
create index flight_subscriptions_by_user on flight_subscriptions (user_id, seq);

create table webhook_deliveries (
  -- Sent as webhook-id: the same on every attempt, receivers dedupe on it.
  id               uuid primary key,
  seq              bigint generated always as identity unique,
  event_type       text not null check (event_type in ('flight.created', 'flight.closed', 'flight.cancelled', 'flight.status_changed')),
  flight_id        uuid not null references flights (id),
  -- The outbox event this delivery tells about.
  event_id         uuid not null,
  alert_id         uuid references alerts (id),
  subscription_id  uuid references flight_subscriptions (id),
  -- The exact bytes sent and signed ({type, timestamp, data}), fixed at enqueue. Standard
  -- Webhooks asks for bodies under 20 KB; flight events have bounded fields (the largest,
  -- FlightCreated, is about 1 KB), so the check is a backstop that no writer comes near.
  body             text not null check (octet_length(body) < 20480),
  status           text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'cancelled')),
  attempts         integer not null default 0 check (attempts >= 0),
  -- When a dispatcher may take the row. A claim moves it to the lease's end, so the one
  -- condition `status = 'pending' and next_attempt_at <= now()` finds both due rows and rows
  -- whose sender died mid-send (its lease ran out: they are sent again), through one index.
  next_attempt_at  timestamptz not null default now(),
  -- The claim's identity: an outcome is recorded only under the token that claimed it, so a
  -- sender slower than its lease cannot overwrite the attempt that took over.
  lease_token      uuid,
  last_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz not null default now(),
  completed_at     timestamptz,
  check (num_nonnulls(alert_id, subscription_id) = 1),
  -- An alert fires once per flight, whatever writes the FlightCreated.
  constraint webhook_deliveries_alert_flight_key unique (alert_id, flight_id)
);

-- Dispatchers claim pending rows by due time.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_by_flight on webhook_deliveries (flight_id, seq);
create index webhook_deliveries_by_status on webhook_deliveries (status, seq);
create index webhook_deliveries_by_subscription on webhook_deliveries (subscription_id) where subscription_id is not null;

-- Deliveries are enqueued by ONE database-side mechanism every flight change already goes
-- through: the outbox. Every writer of flight events (book_flight_seats closing a sold-out
-- flight or an expired offer, the expiry job, CancelFlight, UpdateFlightStatus, CreateFlight,
-- and any future one) inserts its events into `outbox` in the transaction of the change, so a
-- trigger on that insert enqueues the deliveries in the same transaction, with no writer able
-- to forget them.
--
-- A row trigger with a WHEN clause: PostgreSQL evaluates the condition itself and calls the
-- function only for the four event types webhooks care about, so the hot path (bookings that do
-- not close the flight, every launch event) pays for one comparison per row and nothing else.
-- (A statement trigger with a transition table was measured first: it copies every inserted row
-- into a tuplestore and calls PL/pgSQL for every insert, ~20-30 µs per booking statement.)
--
-- Webhook types: FlightCreated → flight.created to each live alert of the route whose date or
-- month holds the flight's local departure date (once per alert and flight: the unique key);
-- FlightClosed / FlightCancelled / FlightStatusChanged → flight.closed / flight.cancelled /
-- flight.status_changed to each live subscription of the flight. FlightCancelled and a change
-- to ARRIVED end the flight's subscriptions after their last delivery is enqueued.
--
-- NOTIFY only when a delivery was enqueued (rare next to bookings; PostgreSQL folds identical
-- notifications of one transaction into one), so the booking hot path never pays for it;
-- dispatchers LISTEN and also poll on a cron as a fallback.
create function webhook_enqueue() returns trigger language plpgsql as $$
declare
  v_type  text;
  v_count bigint;
  v_date  date;
begin
  if new.event_type = 'spacet.events.v1.FlightCreated' then
    v_date := (new.payload ->> 'departureDate')::date;
    insert into webhook_deliveries (id, event_type, flight_id, event_id, alert_id, body)
    select gen_random_uuid(), 'flight.created', new.aggregate_id::uuid, new.id, a.id,
           jsonb_build_object('type', 'flight.created', 'timestamp', flight_json_time(new.created_at),
                              'data', new.payload || jsonb_build_object('alertId', a.id))::text
      from alerts a
     where a.origin = new.payload ->> 'origin'
       and a.destination = new.payload ->> 'destination'
       and a.last_date >= v_date
       and a.deleted_at is null and a.disabled_at is null
       and (a.departure_date = v_date or a.departure_month = date_trunc('month', v_date)::date)
     order by a.seq
    on conflict (alert_id, flight_id) do nothing;
  else
    v_type := case new.event_type
                when 'spacet.events.v1.FlightClosed' then 'flight.closed'
                when 'spacet.events.v1.FlightCancelled' then 'flight.cancelled'
                else 'flight.status_changed' end;
    insert into webhook_deliveries (id, event_type, flight_id, event_id, subscription_id, body)
    select gen_random_uuid(), v_type, s.flight_id, new.id, s.id,
           jsonb_build_object('type', v_type, 'timestamp', flight_json_time(new.created_at),
                              'data', new.payload || jsonb_build_object('subscriptionId', s.id))::text
      from flight_subscriptions s
     where s.flight_id = new.aggregate_id::uuid and s.ended_at is null and s.disabled_at is null
     order by s.seq;
  end if;
  get diagnostics v_count = row_count;

  if new.event_type = 'spacet.events.v1.FlightCancelled'
     or (new.event_type = 'spacet.events.v1.FlightStatusChanged' and new.payload ->> 'operationalStatus' = 'OPERATIONAL_STATUS_ARRIVED') then
    update flight_subscriptions
       set ended_at = now(),
           ended_reason = case when new.event_type = 'spacet.events.v1.FlightCancelled' then 'flight_cancelled' else 'flight_arrived' end
     where flight_id = new.aggregate_id::uuid and ended_at is null;
  end if;

  if v_count > 0 then
    perform pg_notify('spacet_webhooks', '');
  end if;
  return null;
end $$;

create trigger outbox_webhooks after insert on outbox
  for each row
  when (new.aggregate_type = 'flight'
        and new.event_type in ('spacet.events.v1.FlightCreated', 'spacet.events.v1.FlightClosed',
                               'spacet.events.v1.FlightCancelled', 'spacet.events.v1.FlightStatusChanged'))
  execute function webhook_enqueue();

-- The seat coordinator (SPEC §4.2): sells seats on one flight for a batch of booking requests in
-- ONE statement, so one round trip, one row lock and one commit serve the whole batch.
--
-- Why a function: the requests of a batch must be decided one after the other, each against
-- the seats the ones before it left, each all or nothing across classes, and everything must
-- be written in the same statement as the decision. A data-modifying CTE cannot make sequential
-- decisions; PL/pgSQL can, and a call is still a single statement from the client's point of
-- view (one Parse/Bind/Execute, in the caller's transaction, or its own in autocommit).
--
-- Serialization: the flight's row lock (FOR NO KEY UPDATE) is taken first and held to commit,
-- so bookings of one flight run one batch at a time across every process and replica, and
-- bookings of different flights never wait for each other. Every later statement in the
-- function reads a fresh snapshot (VOLATILE function, READ COMMITTED), so it sees whatever the
-- previous holder of the lock committed (its bookings and request_ids included).
--
-- Time: the offer window is judged by clock_timestamp() AFTER the lock is held, not by now()
-- (the transaction's start): a request that waited on the lock past the offer's end is refused.
-- Times written are truncated to milliseconds, the precision clients and events carry.
--
-- Failure modes: the lock wait is bounded by p_lock_timeout (SET LOCAL semantics: this
-- transaction only), past which the call fails with 55P03 and changes nothing; the caller
-- answers UNAVAILABLE FLIGHT_BUSY. Any error aborts the whole batch (nothing is written); the
-- caller then retries the requests one by one so one bad request cannot fail the others.
-- The CHECK constraints on flights stay the backstop: this function never gets near them.

-- protobuf JSON of a google.protobuf.Timestamp (RFC 3339, UTC, milliseconds).
create function flight_json_time(t timestamptz) returns text
  language sql stable
  as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- protobuf JSON of repeated spacet.v1.SeatSelection: the classes with seats, in class order.
create function flight_seats_json(w integer, a integer, m integer) returns jsonb
  language sql immutable
  as $$
    select coalesce(jsonb_agg(jsonb_build_object('seatClass', c, 'count', n) order by o), '[]'::jsonb)
      from (values (1, 'SEAT_CLASS_WINDOW', w), (2, 'SEAT_CLASS_AISLE', a), (3, 'SEAT_CLASS_MIDDLE', m)) s (o, c, n)
     where n > 0
  $$;

-- protobuf JSON of spacet.v1.FlightAvailability (internal/controller/flight/to-proto.ts builds
-- the same message for the API; a test compares the two).
create function flight_availability_json(f flights) returns jsonb
  language sql stable
  as $$
    select jsonb_strip_nulls(jsonb_build_object(
      'flightId', f.id,
      'status', 'FLIGHT_STATUS_' || upper(f.status),
      'closeReason', 'FLIGHT_CLOSE_REASON_' || upper(f.close_reason),
      'seats', jsonb_build_array(
        jsonb_build_object('seatClass', 'SEAT_CLASS_WINDOW', 'capacity', f.window_capacity, 'available', f.window_available),
        jsonb_build_object('seatClass', 'SEAT_CLASS_AISLE', 'capacity', f.aisle_capacity, 'available', f.aisle_available),
        jsonb_build_object('seatClass', 'SEAT_CLASS_MIDDLE', 'capacity', f.middle_capacity, 'available', f.middle_available)),
      'version', f.version::text,
      'offerExpireTime', flight_json_time(f.offer_expires_at)))
  $$;

-- The events the coordinator writes, as internal/infra/outbox/flight/event-encoders.ts encodes
-- them in TypeScript for every other writer (a test checks that both give the same messages).
create function flight_booking_confirmed_json(b flight_bookings, f flights) returns jsonb
  language sql stable
  as $$
    select jsonb_strip_nulls(jsonb_build_object(
      'bookingId', b.id,
      'flightId', b.flight_id,
      'userId', b.user_id,
      'seats', flight_seats_json(b.window_seats, b.aisle_seats, b.middle_seats),
      'totalPrice', jsonb_build_object('currencyCode', b.currency, 'amountMinor', b.total_price_minor::text),
      'requestId', b.request_id,
      'flightVersion', f.version::text,
      'createTime', flight_json_time(b.created_at)))
  $$;

create function flight_availability_changed_json(f flights) returns jsonb
  language sql stable
  as $$
    select jsonb_build_object('flightId', f.id, 'availability', flight_availability_json(f), 'changeTime', flight_json_time(f.updated_at))
  $$;

create function flight_closed_json(f flights) returns jsonb
  language sql stable
  as $$
    select jsonb_build_object(
      'flightId', f.id,
      'closeReason', 'FLIGHT_CLOSE_REASON_' || upper(f.close_reason),
      'availability', flight_availability_json(f),
      'closeTime', flight_json_time(f.updated_at))
  $$;

-- One result row per request, in request order: the decision, the booking (confirmed or
-- replayed), and the flight as this request left it (the availability a refusal reports, and
-- exactly what the same request would have seen had it run alone at that point).
create type flight_seat_outcome as (
  outcome           text, -- confirmed | replayed | request_id_reused | flight_not_found |
                          -- seat_class_not_offered | insufficient_seats | flight_closed | flight_cancelled
  booking_id        uuid,
  booking_flight_id uuid,
  user_id           uuid,
  user_name         text,
  window_seats      integer,
  aisle_seats       integer,
  middle_seats      integer,
  total_price_minor bigint,
  currency          text,
  booking_status    text,
  cancel_reason     text,
  request_id        uuid,
  created_at        timestamptz,
  cancelled_at      timestamptz,
  status            text,
  close_reason      text,
  window_capacity   integer,
  window_available  integer,
  aisle_capacity    integer,
  aisle_available   integer,
  middle_capacity   integer,
  middle_available  integer,
  version           bigint,
  offer_expires_at  timestamptz
);

-- Request i is (p_booking_ids[i], p_user_ids[i], p_user_names[i], p_request_ids[i] (may be
-- NULL), p_window[i], p_aisle[i], p_middle[i]); the caller has already checked each request's
-- own rules (at least one seat, known classes, the per-booking maximum).
create function book_flight_seats(
  p_flight_id    uuid,
  p_booking_ids  uuid[],
  p_user_ids     uuid[],
  p_user_names   text[],
  p_request_ids  uuid[],
  p_window       integer[],
  p_aisle        integer[],
  p_middle       integer[],
  p_lock_timeout text
) returns setof flight_seat_outcome
  language plpgsql
  as $$
declare
  f          flights%rowtype;         -- the flight as the requests so far left it
  b          flight_bookings%rowtype;
  r          flight_seat_outcome;
  v_existing boolean;
  v_changed  boolean := false;
  v_now      timestamptz;
  v_types    text[] := '{}';          -- the events, written in one insert at the end, in order
  v_payloads jsonb[] := '{}';
begin
  perform set_config('lock_timeout', p_lock_timeout, true);
  select * into f from flights where id = p_flight_id for no key update;
  if not found then
    for i in 1 .. cardinality(p_booking_ids) loop
      r := null;
      r.outcome := 'flight_not_found';
      return next r;
    end loop;
    return;
  end if;

  for i in 1 .. cardinality(p_booking_ids) loop
    r := null;
    v_existing := false;
    -- Idempotency first: a retry gets its booking back whatever the flight's state now.
    if p_request_ids[i] is not null then
      select * into b from flight_bookings where user_id = p_user_ids[i] and request_id = p_request_ids[i];
      v_existing := found;
    end if;

    if not v_existing then
      if (p_window[i] > 0 and f.window_capacity = 0) or (p_aisle[i] > 0 and f.aisle_capacity = 0) or (p_middle[i] > 0 and f.middle_capacity = 0) then
        r.outcome := 'seat_class_not_offered';
      elsif f.status = 'cancelled' then
        r.outcome := 'flight_cancelled';
      elsif f.status = 'closed' then
        r.outcome := 'flight_closed';
      elsif clock_timestamp() >= f.offer_expires_at then
        -- The offer ended and the expiry job has not closed the flight yet: close it here,
        -- under the lock, so the refusal reports it closed and exactly one FlightClosed exists
        -- (the job's update is conditional on status = 'open').
        f.status := 'closed';
        f.close_reason := 'offer_expired';
        f.version := f.version + 1;
        f.updated_at := date_trunc('milliseconds', clock_timestamp());
        v_changed := true;
        v_types := v_types || 'spacet.events.v1.FlightClosed'::text;
        v_payloads := v_payloads || flight_closed_json(f);
        r.outcome := 'flight_closed';
      elsif f.window_available < p_window[i] or f.aisle_available < p_aisle[i] or f.middle_available < p_middle[i] then
        r.outcome := 'insufficient_seats';
      else
        v_now := date_trunc('milliseconds', clock_timestamp());
        -- ON CONFLICT: the same user and request_id racing on ANOTHER flight (a different row
        -- lock). The insert waits for that transaction; if it committed, this request is a
        -- retry of it (or a reuse), decided below; nothing was taken here.
        insert into flight_bookings (id, flight_id, user_id, user_name, window_seats, aisle_seats, middle_seats,
                                     total_price_minor, currency, request_id, created_at)
        values (p_booking_ids[i], p_flight_id, p_user_ids[i], p_user_names[i], p_window[i], p_aisle[i], p_middle[i],
                f.price_minor * (p_window[i] + p_aisle[i] + p_middle[i]), f.currency, p_request_ids[i], v_now)
        on conflict (user_id, request_id) do nothing
        returning * into b;
        if found then
          f.window_available := f.window_available - p_window[i];
          f.aisle_available := f.aisle_available - p_aisle[i];
          f.middle_available := f.middle_available - p_middle[i];
          f.version := f.version + 1;
          f.updated_at := v_now;
          v_changed := true;
          v_types := v_types || 'spacet.events.v1.FlightBookingConfirmed'::text;
          v_payloads := v_payloads || flight_booking_confirmed_json(b, f);
          -- The booking that takes the last seat closes the flight, in the same change: only
          -- one request can find the flight open with seats, so one FlightClosed.
          if f.window_available + f.aisle_available + f.middle_available = 0 then
            f.status := 'closed';
            f.close_reason := 'sold_out';
          end if;
          v_types := v_types || 'spacet.events.v1.FlightAvailabilityChanged'::text;
          v_payloads := v_payloads || flight_availability_changed_json(f);
          if f.status = 'closed' then
            v_types := v_types || 'spacet.events.v1.FlightClosed'::text;
            v_payloads := v_payloads || flight_closed_json(f);
          end if;
          r.outcome := 'confirmed';
        else
          select * into b from flight_bookings where user_id = p_user_ids[i] and request_id = p_request_ids[i];
          v_existing := found;
        end if;
      end if;
    end if;

    if v_existing then
      r.outcome := case
        when b.flight_id = p_flight_id and b.window_seats = p_window[i] and b.aisle_seats = p_aisle[i] and b.middle_seats = p_middle[i]
        then 'replayed' else 'request_id_reused' end;
    end if;
    if r.outcome in ('confirmed', 'replayed') then
      r.booking_id := b.id;
      r.booking_flight_id := b.flight_id;
      r.user_id := b.user_id;
      r.user_name := b.user_name;
      r.window_seats := b.window_seats;
      r.aisle_seats := b.aisle_seats;
      r.middle_seats := b.middle_seats;
      r.total_price_minor := b.total_price_minor;
      r.currency := b.currency;
      r.booking_status := b.status;
      r.cancel_reason := b.cancel_reason;
      r.request_id := b.request_id;
      r.created_at := b.created_at;
      r.cancelled_at := b.cancelled_at;
    end if;
    r.status := f.status;
    r.close_reason := f.close_reason;
    r.window_capacity := f.window_capacity;
    r.window_available := f.window_available;
    r.aisle_capacity := f.aisle_capacity;
    r.aisle_available := f.aisle_available;
    r.middle_capacity := f.middle_capacity;
    r.middle_available := f.middle_available;
    r.version := f.version;
    r.offer_expires_at := f.offer_expires_at;
    return next r;
  end loop;

  -- One write of the row for the whole batch (the lock is already held).
  if v_changed then
    update flights
       set window_available = f.window_available, aisle_available = f.aisle_available, middle_available = f.middle_available,
           status = f.status, close_reason = f.close_reason, version = f.version, updated_at = f.updated_at
     where id = p_flight_id;
  end if;
  -- One insert for every event of the batch, in decision order: seq order is then the order the
  -- flight changed (the row lock is held until commit, so no other writer interleaves).
  if cardinality(v_types) > 0 then
    insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
    select gen_random_uuid(), 'flight', p_flight_id::text, e.event_type, e.payload
      from unnest(v_types, v_payloads) with ordinality as e (event_type, payload, n)
     order by e.n;
  end if;
end
$$;

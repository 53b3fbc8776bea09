-- CreateBooking in ONE statement: `select * from create_booking(…)` in autocommit is the whole
-- booking transaction (infra/postgres/launch/booker.ts). Issued as seven statements inside
-- BEGIN/COMMIT it cost nine round trips, and on these machines every round trip is a socket
-- write and a wake-up on both sides: most of the service's CPU per booking went there.
--
-- Why a PL/pgSQL function and not one data-modifying CTE: a statement's snapshot is taken when
-- it starts, so a CTE that waits for the schedule lock (held by a SpaceX sync applying its
-- cancellations) would then read the SpaceX schedule as it was BEFORE that sync, and could book
-- a day the sync has just blocked. A VOLATILE function takes a fresh snapshot for every
-- statement it runs (READ COMMITTED), so the reads below see everything committed before the
-- locks were granted, exactly as separate statements after the lock did.
--
-- Rejections are returned, not raised, so the caller gets the exact reason and the details it
-- reports; every rejection is decided before the first write, so returning (and committing)
-- changes nothing. Two rejections stay errors, because a unique index decides them: the
-- destination-per-week index (`launches_destination_once_per_pad_week`, not ON CONFLICT's
-- arbiter) and a concurrent retry's `bookings_request_id_key`; the error rolls back the
-- statement and the caller maps the constraint name.
--
-- The lock keys are parameters so that infra/postgres/locks.ts stays the one table of advisory
-- lock keys (the sync takes the same schedule lock exclusively).
--
-- The service prepares the call once per connection, so a later change of the parameters or
-- OUT columns must come as a function with a new name (running replicas keep calling this one).
create function create_booking(
  p_request_id uuid,                -- idempotency key, or null
  p_request_fingerprint text,       -- what the request asked for, stored with the key
  p_booking_id uuid,
  p_new_launch_id uuid,             -- used only when this is the day's first booking
  p_launchpad_id text,
  p_launch_date date,               -- pad-local day
  p_destination text,
  p_first_name text,
  p_last_name text,
  p_gender text,
  p_birthday date,
  p_capacity integer,               -- of a launch this booking creates
  p_now timestamptz,                -- the service's clock: "today" and created_at
  p_event_id uuid,
  p_event_aggregate_type text,
  p_event_type text,
  p_event_payload jsonb,            -- BookingCreated without the launch's fields (added below)
  p_schedule_lock bigint,           -- AdvisoryLock.bookingWrites
  p_pad_week_lock_class integer,    -- AdvisoryLock.padWeek
  -- One row back: the outcome, the launch booked, and for a refusal what the caller needs to
  -- say why (few columns: the client parses a row description per call).
  out outcome text,                 -- booked | request_id_used | launchpad_not_found | launchpad_not_active |
                                    -- launch_date_not_ahead | taken_by_spacex | launch_day_taken | launch_full | seat_race_lost
  out launch_id uuid,               -- when booked
  out refusal jsonb                 -- padStatus; padToday, padTimeZone; padName, spacexLaunchId, spacexLaunchName;
                                    -- launchId with destination or capacity
) language plpgsql volatile as $$
#variable_conflict use_column
declare
  pad launchpads;
  pad_today date;
  blocking record;
  seat launches;
  seated boolean := false;
begin
  -- Rule 8 first: a retry gets its original booking back even if the rules below would now
  -- refuse it (a full launch, a passed date). The caller reads the original.
  if p_request_id is not null and exists (select 1 from bookings b where b.request_id = p_request_id) then
    outcome := 'request_id_used';
    return;
  end if;

  -- The schedule lock is shared: bookings never wait for each other on it, only for a sync
  -- holding it exclusively. The pad-week lock serializes bookings of one pad and ISO week, so
  -- two first bookings for one destination on one week never race on both unique indexes at
  -- once (ON CONFLICT resolves only its arbiter). Always in this order; both go at commit.
  perform pg_advisory_xact_lock_shared(p_schedule_lock);
  perform pg_advisory_xact_lock(p_pad_week_lock_class, hashtext(p_launchpad_id || date_trunc('week', p_launch_date::timestamp)::date));

  -- Rule 2, read after the locks: a pad retired meanwhile is seen as retired.
  select * into pad from launchpads p where p.id = p_launchpad_id;
  if not found then
    outcome := 'launchpad_not_found';
    return;
  end if;
  if pad.status <> 'active' then
    outcome := 'launchpad_not_active';
    refusal := jsonb_build_object('padStatus', pad.status);
    return;
  end if;

  -- Rule 1, pad part: the launch date is after today in the pad's zone.
  pad_today := (p_now at time zone pad.time_zone)::date;
  if p_launch_date <= pad_today then
    outcome := 'launch_date_not_ahead';
    refusal := jsonb_build_object('padToday', pad_today, 'padTimeZone', pad.time_zone);
    return;
  end if;

  -- Rule 5: SpaceX's hour/day-precision launch on that pad-local day. The range on date_utc
  -- (one day either side covers every zone offset) lets the partial index
  -- spacex_launches_blocking narrow the rows before the exact per-zone comparison.
  select s.id, s.name into blocking
    from spacex_launches s
   where s.launchpad_id = p_launchpad_id
     and s.date_precision in ('hour', 'day')
     and s.date_utc >= p_launch_date - 1 and s.date_utc < p_launch_date + 2
     and (s.date_utc at time zone pad.time_zone)::date = p_launch_date
   order by s.date_utc
   limit 1;
  if found then
    outcome := 'taken_by_spacex';
    refusal := jsonb_build_object('padName', pad.name, 'spacexLaunchId', blocking.id, 'spacexLaunchName', blocking.name);
    return;
  end if;

  -- Rules 3, 4 and 6: one seat. The day's first booking inserts the launch; any later one hits
  -- the one-launch-per-pad-day index and, through ON CONFLICT, updates that row instead: the
  -- row lock serializes concurrent bookers (a racing first booker waits for the winner's commit
  -- and then joins its launch), and the WHERE is re-checked on the locked, latest row, so the
  -- last seat goes to exactly one of them. No row back means another destination or a full
  -- launch; if the launch vanished meanwhile (its last booking was cancelled), try again: the
  -- day is free for a new launch.
  for attempt in 1..3 loop
    insert into launches as l (id, launchpad_id, launch_date, destination, capacity, booked_seats, status, created_at)
    values (p_new_launch_id, p_launchpad_id, p_launch_date, p_destination, p_capacity, 1, 'scheduled', p_now)
    on conflict (launchpad_id, launch_date) where status = 'scheduled'
    do update set booked_seats = l.booked_seats + 1
     where l.destination = excluded.destination and l.booked_seats < l.capacity
    returning * into seat;
    if found then
      seated := true;
      exit;
    end if;
    select * into seat from launches l
     where l.launchpad_id = p_launchpad_id and l.launch_date = p_launch_date and l.status = 'scheduled';
    if found then
      if seat.destination <> p_destination then
        outcome := 'launch_day_taken';
        refusal := jsonb_build_object('launchId', seat.id, 'destination', seat.destination);
        return;
      end if;
      if seat.booked_seats >= seat.capacity then
        outcome := 'launch_full';
        refusal := jsonb_build_object('launchId', seat.id, 'capacity', seat.capacity);
        return;
      end if;
    end if;
  end loop;
  if not seated then
    outcome := 'seat_race_lost';
    return;
  end if;

  insert into bookings (id, launch_id, launchpad_id, destination, launch_date, first_name, last_name, gender, birthday,
                        status, request_id, request_fingerprint, created_at)
  values (p_booking_id, seat.id, p_launchpad_id, p_destination, p_launch_date, p_first_name, p_last_name, p_gender, p_birthday,
          'confirmed', p_request_id, p_request_fingerprint, p_now);

  -- The event's launch fields exist only now; their names are BookingCreated's protobuf JSON
  -- names (protos/spacet/events/v1), a published contract. Written while the launch row is
  -- locked, so one launch's events get seq in commit order.
  insert into outbox (id, aggregate_type, aggregate_id, event_type, payload)
  values (p_event_id, p_event_aggregate_type, seat.id::text, p_event_type,
          p_event_payload || jsonb_build_object('launchId', seat.id, 'bookedSeats', seat.booked_seats, 'capacity', seat.capacity));

  outcome := 'booked';
  launch_id := seat.id;
end $$;

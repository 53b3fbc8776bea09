-- SpaceX sync bookkeeping: one row per run of a sync job (SpaceX's launch schedule, or the
-- launchpads). The rows are the state: "sync if necessary" reads the last success from here,
-- operators read last run / last success / last failure from here. A successful run inserts
-- its row in the same transaction as the changes it made; a failed run inserts only its row
-- (with the error) after its transaction rolled back, so it changed nothing else.
-- Runs that were skipped (another replica held the lock, or the last success was recent) are
-- not runs and leave no row. One row per interval (hourly by default) needs no pruning.

create table sync_runs (
  id                 uuid primary key,
  job                text not null check (job in ('spacex_launches', 'launchpads')),
  trigger            text not null check (trigger in ('startup', 'schedule', 'manual')),
  -- From the application's clock when the runner took the lock: the due check compares the
  -- next tick with this, so a run that takes a while does not push the next one back.
  started_at         timestamptz not null,
  finished_at        timestamptz not null,
  -- Measured with a monotonic clock (wall-clock differences jump with NTP corrections).
  duration_ms        integer not null check (duration_ms >= 0),
  outcome            text not null check (outcome in ('succeeded', 'failed')),
  error              text,
  -- What the run saw and did; all zero for a failed run.
  fetched            integer not null default 0 check (fetched >= 0),            -- documents SpaceX returned
  added              integer not null default 0 check (added >= 0),              -- new mirror rows
  changed            integer not null default 0 check (changed >= 0),            -- mirror rows whose data changed
  removed            integer not null default 0 check (removed >= 0),            -- left SpaceX's upcoming list
  launches_cancelled integer not null default 0 check (launches_cancelled >= 0), -- ours, on days SpaceX took
  bookings_cancelled integer not null default 0 check (bookings_cancelled >= 0),
  check ((outcome = 'failed') = (error is not null)),
  check (finished_at >= started_at)
);

-- Latest run of a job, and latest run of a job with a given outcome (last success, last failure).
create index sync_runs_latest on sync_runs (job, started_at desc);
create index sync_runs_latest_by_outcome on sync_runs (job, outcome, started_at desc);

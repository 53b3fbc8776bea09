-- Per-aggregate leases for outbox relays (internal/infra/postgres/outbox-relay-repository.ts).
--
-- Several relays (one per replica, or more) publish the same outbox. Events of one aggregate
-- must reach Pub/Sub in seq order, so at most one relay may publish an aggregate at a time and
-- only from its oldest unpublished event on. A relay claims an aggregate by upserting its row
-- here; the row IS the lock (graphile-worker's known_crontabs idea), which lets a relay hold
-- it across the publish without keeping a transaction open.
--
-- A lease is live while `expires_at` is in the future AND the PostgreSQL backend `owner_pid`
-- still exists. Each relay claims, marks and releases through one dedicated session, so when a
-- relay process dies (even SIGKILL) its backend ends and the others take its aggregates over
-- at once instead of waiting for the expiry; the expiry only covers a relay that hangs while
-- its connection stays up.
create table outbox_leases (
  aggregate_id text primary key,
  owner_pid    integer not null,
  expires_at   timestamptz not null
);

-- Transactional outbox: every state change inserts its event here in the same transaction;
-- a relay publishes the rows to Pub/Sub afterwards (at least once, in order per aggregate).

create table outbox (
  id              uuid primary key,         -- the event id consumers dedupe on
  -- Insertion order. Writers insert an aggregate's events while holding that aggregate's row
  -- lock (e.g. the launch row), so for one aggregate seq order is commit order.
  seq             bigint generated always as identity unique,
  aggregate_type  text not null,
  aggregate_id    text not null,
  event_type      text not null,
  payload         jsonb not null,
  created_at      timestamptz not null default now(),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  published_at    timestamptz
);

create index outbox_unpublished_by_aggregate on outbox (aggregate_id, seq) where published_at is null;
create index outbox_unpublished_by_due on outbox (next_attempt_at, seq) where published_at is null;
create index outbox_published on outbox (published_at) where published_at is not null;

-- Wake relays on commit instead of waiting for their next poll. NOTIFY is transactional (sent
-- at commit, dropped on rollback) and one per statement is plenty: relays read what is due.
create function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('spacet_outbox', '');
  return null;
end $$;

create trigger outbox_notify after insert on outbox
  for each statement execute function outbox_notify();

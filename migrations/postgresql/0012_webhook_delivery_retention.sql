-- Finished webhook deliveries (succeeded, failed, cancelled) are deleted WEBHOOK_RETENTION after
-- they finished (infra/postgres/notification/delivery-retention.ts), oldest first: this index
-- serves that walk and holds only finished rows, so the dispatchers' pending rows never enter it.
-- Every path that finishes a delivery sets completed_at (delivery-queue.ts, cancel-pending.ts),
-- and an operator's retry clears it with the status back at pending.
create index webhook_deliveries_completed on webhook_deliveries (completed_at) where status <> 'pending';

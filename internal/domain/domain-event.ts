/**
 * What every domain event carries, whatever its context: its `type`, and the aggregate it
 * belongs to. The outbox stores and routes events by `aggregateType` (one topic per type) and
 * keys them by `aggregateId`, so consumers see one aggregate's story in commit order.
 */
export interface DomainEvent {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
}

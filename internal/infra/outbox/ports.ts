/** One unpublished outbox row, as a relay pass loads it. */
export interface PendingEvent {
  /** The event id (outbox primary key): consumers dedupe on it. */
  readonly id: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly eventType: string;
  /** The payload exactly as stored: protobuf JSON mapping text. */
  readonly payloadJson: string;
  readonly createdAt: Date;
  /** Failed publish attempts so far. */
  readonly attempts: number;
  /** Whether its retry time has come (only meaningful for the first pending event of an aggregate). */
  readonly due: boolean;
}

/** An aggregate leased to a pass, and where its unpublished events began when claimed. */
interface ClaimedAggregate {
  readonly aggregateId: string;
  /** seq of its oldest unpublished event at claim time (decimal text): nothing before it is pending. */
  readonly headSeq: string;
}

/**
 * What one pass holds: its aggregates, under a lease identity of its own. A relay runs several
 * passes at once on one session, so the session cannot be the owner of a pass's leases: the
 * token is, and `settle` releases exactly the leases taken under it.
 */
export interface PassLease {
  readonly token: string;
  readonly aggregates: readonly ClaimedAggregate[];
  /**
   * Milliseconds from the claim until the earliest aggregate that was backing off comes due,
   * as the claim saw it (undefined: none was). The relay sleeps on it when it goes idle.
   */
  readonly nextDueInMs?: number;
}

interface ClaimRequest {
  /** At most this many aggregates (NOTIFICATIONS_BATCH_SIZE_MAX). */
  readonly limit: number;
  readonly leaseTtlMs: number;
  /**
   * How many passes of the relay may run at once: a pass takes at most 1/`passes` of the due
   * aggregates, so a backlog on a few aggregates still leaves work for the passes behind it.
   */
  readonly passes: number;
}

/** Why an aggregate stopped in this pass: its first unpublished event failed. */
export interface AggregateFailure {
  readonly aggregateId: string;
  /** The event that failed; it keeps its place at the head of the aggregate. */
  readonly eventId: string;
  readonly error: string;
  /** When to try the aggregate again, from now. */
  readonly retryInMs: number;
}

/**
 * What a relay needs from the database. Every call runs on the relay's own session, whose end
 * frees every lease taken through it (see migrations/postgresql/0005_outbox_relay.sql, 0006).
 */
export interface OutboxRelayStore {
  /**
   * Leases, under a new token, up to `limit` aggregates whose oldest unpublished event is due
   * and that no live lease holds (of another relay, or of another pass of this one). The
   * caller must `settle` the lease when its pass ends.
   */
  claim(req: ClaimRequest): Promise<PassLease>;
  /**
   * Unpublished events of the given aggregates, each aggregate's in seq order: its first
   * ⌈limit / aggregates⌉, so about `limit` in all and every aggregate gets its share.
   */
  loadPending(claimed: readonly ClaimedAggregate[], limit: number): Promise<PendingEvent[]>;
  /** In one statement: marks `published`, records `failures`, releases the pass's leases (and no other). */
  settle(lease: PassLease, published: readonly string[], failures: readonly AggregateFailure[]): Promise<void>;
}

/** A message as Pub/Sub takes it. */
export interface OutgoingMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string;
}

/** What a relay needs from Pub/Sub (pubsub-publisher.ts implements it). */
export interface EventPublisher {
  /**
   * Resolves with the message id once Pub/Sub stored the message. Messages with one ordering
   * key are sent in call order, and once one fails the ones queued behind it fail too.
   */
  publish(topic: string, message: OutgoingMessage): Promise<string>;
  /** Lets an ordering key publish again after a failure. */
  resumePublishing(topic: string, orderingKey: string): void;
  /** Upper bound of one `publish`, retries included: a relay's lease must outlast it. */
  readonly deadlineMs: number;
}

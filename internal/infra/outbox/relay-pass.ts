import { type Backoff, backoffDelay } from "../../../pkg/backoff/backoff.js";
import type { CounterMetric, Logger } from "../../app/ports.js";
import type { AggregateFailure, EventPublisher, OutboxRelayStore, PendingEvent } from "./ports.js";
import { toPubsubMessage } from "./relay-message.js";

export interface RelayPassDeps {
  readonly store: OutboxRelayStore;
  readonly publisher: EventPublisher;
  /** Topic per aggregate type; an aggregate of an unknown type fails (and backs off) until configured. */
  readonly topics: Readonly<Record<string, string>>;
  /** CloudEvents source prefix, e.g. `/spacet`. */
  readonly source: string;
  /** At most this many aggregates per pass, and about this many events (each aggregate's share rounded up). */
  readonly batchSize: number;
  /** Passes the relay may run at once: a pass claims at most its share of the due aggregates. */
  readonly concurrency: number;
  readonly leaseTtlMs: number;
  readonly backoff: Backoff;
  readonly log: Logger;
  /** Called as soon as Pub/Sub acknowledged an event (before it is marked): for lag metrics and the bench. */
  readonly onPublished?: (event: PendingEvent) => void;
  /** Counts each event handed to Pub/Sub by `event_type` and `result`: published or failed. */
  readonly events?: CounterMetric<"event_type" | "result">;
}

/**
 * Called once the pass holds at least one aggregate, before it loads and publishes: the relay
 * starts its next pass then, so that pass's claim and load overlap this one's publish.
 */
export type OnLeased = () => void;

export interface PassResult {
  /** Aggregates leased; zero means nothing was due. */
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
  /**
   * When (performance.now() time) the earliest aggregate backing off at the claim comes due,
   * counted from when the claim was sent: a late answer makes the relay wake early, never late.
   */
  readonly nextDueAt?: number;
}

interface AggregateOutcome {
  readonly published: readonly string[];
  readonly failure?: AggregateFailure;
}

/**
 * One relay pass: lease due aggregates, load their pending events, publish, settle. Several
 * may run at once (relay.ts); their leases keep them on disjoint aggregates.
 *
 * Delivery: at least once. An event is marked only after Pub/Sub acknowledged it; a crash
 * before the mark re-sends it later under the same event id.
 *
 * Order: each aggregate's events are handed to the ordered publisher in seq order, all at
 * once (the client sends one batch per ordering key at a time, so this keeps order while
 * batching, instead of one round trip per event); aggregates go in parallel. The published
 * set of an aggregate is the prefix acknowledged before its first failure; the failed event
 * stays the aggregate's head and everything behind it waits, so no event ever overtakes an
 * earlier one of its aggregate. A failing aggregate backs off alone; the others carry on.
 */
export async function runRelayPass(deps: RelayPassDeps, onLeased?: OnLeased): Promise<PassResult> {
  const started = performance.now();
  const lease = await deps.store.claim({ limit: deps.batchSize, leaseTtlMs: deps.leaseTtlMs, passes: deps.concurrency });
  const claimed = lease.aggregates;
  const nextDueAt = lease.nextDueInMs === undefined ? undefined : started + lease.nextDueInMs;
  if (claimed.length === 0) return { claimed: 0, published: 0, failed: 0, nextDueAt };

  let published: string[];
  let failures: AggregateFailure[];
  try {
    const loading = deps.store.loadPending(claimed, deps.batchSize);
    onLeased?.(); // after the load was queued on the session: the next pass's claim goes behind it
    const pending = await loading;
    const outcomes = await Promise.all([...groupByAggregate(pending).values()].map((events) => publishAggregate(deps, events)));
    published = outcomes.flatMap((o) => o.published);
    failures = outcomes.flatMap((o) => (o.failure ? [o.failure] : []));
  } catch (err) {
    // Give the aggregates back rather than leave them to the expiry: a lease is the pass's
    // own, so nothing else of this relay would take them before it. (After a failed statement
    // the session is new and the leases are free already; this release then finds nothing.)
    await deps.store.settle(lease, [], []).catch(() => undefined);
    throw err;
  }

  const elapsedMs = performance.now() - started;
  if (elapsedMs > deps.leaseTtlMs) {
    // Another relay may have taken these aggregates over meanwhile: expect duplicates.
    deps.log.warn({ elapsedMs: Math.round(elapsedMs), leaseTtlMs: deps.leaseTtlMs }, "relay pass outlived its leases");
  }
  await deps.store.settle(lease, published, failures);

  if (failures.length > 0) {
    const first = failures[0];
    deps.log.warn(
      { failedAggregates: failures.length, published: published.length, aggregateId: first.aggregateId, eventId: first.eventId, err: first.error },
      "outbox events failed to publish; backing off",
    );
  }
  deps.log.debug({ claimed: claimed.length, published: published.length, failed: failures.length, ms: Math.round(performance.now() - started) }, "relay pass");
  return { claimed: claimed.length, published: published.length, failed: failures.length, nextDueAt };
}

async function publishAggregate(deps: RelayPassDeps, events: readonly PendingEvent[]): Promise<AggregateOutcome> {
  const head = events[0];
  // Claimed from a snapshot taken before another relay's failure record landed: still backing off.
  if (!head.due) return { published: [] };
  const fail = (event: PendingEvent, err: unknown): AggregateFailure => ({
    aggregateId: event.aggregateId,
    eventId: event.id,
    error: describe(err),
    retryInMs: backoffDelay(event.attempts + 1, deps.backoff),
  });

  const count = (event: PendingEvent, result: "published" | "failed") => deps.events?.inc({ event_type: event.eventType, result });
  const topic = deps.topics[head.aggregateType];
  if (!topic) {
    count(head, "failed");
    return { published: [], failure: fail(head, new Error(`no topic configured for aggregate type "${head.aggregateType}"`)) };
  }

  const results = await Promise.allSettled(
    events.map((event) =>
      deps.publisher.publish(topic, toPubsubMessage(event, deps.source)).then(
        () => {
          count(event, "published");
          deps.onPublished?.(event);
        },
        (err: unknown) => {
          count(event, "failed");
          throw err;
        },
      ),
    ),
  );
  const firstFailure = results.findIndex((r) => r.status === "rejected");
  if (firstFailure < 0) return { published: events.map((e) => e.id) };

  // The client pauses a failed ordering key; the retry starts again from the failed event.
  deps.publisher.resumePublishing(topic, head.aggregateId);
  const reason = (results[firstFailure] as PromiseRejectedResult).reason;
  return { published: events.slice(0, firstFailure).map((e) => e.id), failure: fail(events[firstFailure], reason) };
}

/** Keeps each aggregate's events in the order loaded (seq order). */
function groupByAggregate(events: readonly PendingEvent[]): Map<string, PendingEvent[]> {
  const groups = new Map<string, PendingEvent[]>();
  for (const e of events) {
    const group = groups.get(e.aggregateId);
    if (group) group.push(e);
    else groups.set(e.aggregateId, [e]);
  }
  return groups;
}

/** First line of the error with its gRPC code, bounded: it lands in outbox.last_error. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = String(e?.message ?? err).split("\n")[0];
  return (typeof e?.code === "number" ? `code ${e.code}: ${message}` : message).slice(0, 1000);
}

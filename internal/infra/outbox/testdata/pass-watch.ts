import type { EventPublisher, OutboxRelayStore } from "../ports.js";

export interface PassWatch {
  /** Every breach of "one pass per aggregate at a time", in words. */
  readonly violations: string[];
  /** The lease tokens this relay's claims returned. */
  readonly tokens: ReadonlySet<string>;
  /** The most passes that held leases at the same time. */
  maxPassesHolding(): number;
  readonly store: (store: OutboxRelayStore) => OutboxRelayStore;
  readonly publisher: (publisher: EventPublisher) => EventPublisher;
}

/**
 * Watches one relay's passes from the outside, through its store and its publisher (pass both
 * to startTestRelay's `observe`):
 * - a pass holds an aggregate from its claim until its settle returned; claiming one that
 *   another pass holds is a violation (the relay's statements run one at a time on its session,
 *   so a settle has returned before the next claim does);
 * - a publish of an aggregate comes from the pass holding it, and never while publishes of
 *   that aggregate by another pass are still unanswered.
 */
export function watchPasses(): PassWatch {
  const holder = new Map<string, string>(); // aggregate id → token of the pass holding it
  const publishing = new Map<string, { token: string; pending: number }>(); // ordering key → its publisher pass
  const violations: string[] = [];
  const tokens = new Set<string>();
  let holding = 0;
  let maxHolding = 0;

  return {
    violations,
    tokens,
    maxPassesHolding: () => maxHolding,
    store: (store) => ({
      ...store,
      async claim(req) {
        const lease = await store.claim(req);
        if (lease.aggregates.length === 0) return lease;
        tokens.add(lease.token);
        maxHolding = Math.max(maxHolding, ++holding);
        for (const { aggregateId } of lease.aggregates) {
          const other = holder.get(aggregateId);
          if (other) violations.push(`${aggregateId} claimed by pass ${lease.token} while pass ${other} holds it`);
          holder.set(aggregateId, lease.token);
        }
        return lease;
      },
      async settle(lease, published, failures) {
        await store.settle(lease, published, failures);
        if (lease.aggregates.length === 0) return;
        holding--;
        for (const { aggregateId } of lease.aggregates) if (holder.get(aggregateId) === lease.token) holder.delete(aggregateId);
      },
    }),
    publisher: (publisher) => ({
      deadlineMs: publisher.deadlineMs,
      resumePublishing: (topic, key) => publisher.resumePublishing(topic, key),
      async publish(topic, message) {
        const key = message.orderingKey;
        const token = holder.get(key);
        if (!token) violations.push(`${key} published by a pass that does not hold it`);
        const current = publishing.get(key);
        if (current && current.pending > 0 && current.token !== token) {
          violations.push(`${key} published by pass ${token} while pass ${current.token} still publishes it`);
        }
        const entry = current?.token === token && current ? current : { token: token ?? "", pending: 0 };
        publishing.set(key, entry);
        entry.pending++;
        try {
          return await publisher.publish(topic, message);
        } finally {
          entry.pending--;
        }
      },
    }),
  };
}

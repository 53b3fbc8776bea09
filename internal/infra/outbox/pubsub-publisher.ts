import type { Topic } from "@google-cloud/pubsub";
import type { EventPublisher } from "./ports.js";
import { createPubsubClient } from "./pubsub-client.js";
import { MAX_RETRY_DELAY_MS, publishCallOptions } from "./pubsub-call-options.js";

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
/** How long a dependency check may take; /liveness gives up on a check after 2 s. */
const CHECK_TIMEOUT_MS = 1_500;

export interface PublisherOptions {
  readonly projectId: string;
  /** `host:port` of the Pub/Sub emulator (see pubsub-client.ts). */
  readonly emulatorHost?: string;
  /**
   * Create missing topics (default: only with an emulator, which forgets every topic when it
   * restarts). Real topics belong to infrastructure code, not to the service.
   */
  readonly createTopics?: boolean;
  /** Upper bound of one publish, retries included (default 10 s). */
  readonly deadlineMs?: number;
  /**
   * How long the client batches messages before sending (default 1 ms). The relay already
   * hands over whole batches at once, so a long window would only add commit→publish latency.
   */
  readonly batchWindowMs?: number;
}

export interface Publisher extends EventPublisher {
  /** Creates the topics that do not exist yet (idempotent). */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /**
   * Resolves if Pub/Sub knows `topic` and answers within 1.5 s: a /liveness dependency check
   * (a GetTopic call, so real Pub/Sub needs `pubsub.topics.get` besides publish rights).
   */
  check(topic: string): Promise<void>;
  /** Sends what is queued, then closes the gRPC channels. */
  close(): Promise<void>;
}

/**
 * A thin publisher over @google-cloud/pubsub 5.3.1 (research/pubsub-emulator.md):
 * - ordered topics (`messageOrdering`), so messages with one ordering key go out in call
 *   order, one batch in flight per key, and a failed batch fails everything queued behind it;
 * - a bounded publish deadline through a COMPLETE backoffSettings (pubsub-call-options.ts);
 * - with an emulator, topics are created on demand and again after a NOT_FOUND.
 */
export function createPublisher(opts: PublisherOptions): Publisher {
  const deadlineMs = opts.deadlineMs ?? 10_000;
  const createTopics = opts.createTopics ?? opts.emulatorHost !== undefined;
  const pubsub = createPubsubClient(opts);
  const topics = new Map<string, Topic>();
  const created = new Map<string, Promise<void>>();
  const gaxOpts = publishCallOptions(deadlineMs);

  const topicOf = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = pubsub.topic(name, { messageOrdering: true, batching: { maxMilliseconds: opts.batchWindowMs ?? 1 }, gaxOpts });
      topics.set(name, topic);
    }
    return topic;
  };

  const ensureTopic = (name: string): Promise<void> => {
    let done = created.get(name);
    if (!done) {
      // Bounded like a publish: a publish waits for this, and a relay's lease must outlast both.
      done = pubsub.createTopic(name, gaxOpts).then(
        () => undefined,
        (e: { code?: number }) => {
          if (e.code === GRPC_ALREADY_EXISTS) return;
          created.delete(name); // try again next time
          throw e;
        },
      );
      created.set(name, done);
    }
    return done;
  };

  return {
    deadlineMs: deadlineMs + MAX_RETRY_DELAY_MS,
    async publish(topic, message) {
      if (createTopics) await ensureTopic(topic);
      try {
        return await topicOf(topic).publishMessage({ data: message.data, attributes: { ...message.attributes }, orderingKey: message.orderingKey });
      } catch (e) {
        // The emulator lost the topic (it restarted): create it again before the next attempt.
        if (createTopics && (e as { code?: number }).code === GRPC_NOT_FOUND) created.delete(topic);
        throw e;
      }
    },
    resumePublishing(topic, orderingKey) {
      topics.get(topic)?.resumePublishing(orderingKey);
    },
    async ensureTopics(names) {
      await Promise.all(names.map(ensureTopic));
    },
    async check(topic) {
      // No retries and a short deadline: a probe wants an answer now, not the publish budget.
      await pubsub.topic(topic).getMetadata({ timeout: CHECK_TIMEOUT_MS, retry: null });
    },
    async close() {
      await Promise.all([...topics.values()].map((t) => t.flush()));
      await pubsub.close();
    },
  };
}

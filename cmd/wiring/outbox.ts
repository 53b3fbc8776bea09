import type { Logger } from "pino";
import { createOutboxRelayRepository } from "../../internal/infra/outbox/postgres-store.js";
import { openRelaySession } from "../../internal/infra/outbox/postgres-session.js";
import { createPublisher } from "../../internal/infra/outbox/pubsub-publisher.js";
import type { BackoffPolicy } from "../../internal/infra/outbox/relay-backoff.js";
import type { PendingEvent } from "../../internal/infra/outbox/ports.js";
import { createOutboxRelay } from "../../internal/infra/outbox/relay.js";

export interface RelayRuntimeOptions {
  readonly dsn: string;
  /** App name: PostgreSQL application_name and the CloudEvents source (`/<name>`). */
  readonly appName: string;
  /** The `pubsub` section of the config. */
  readonly pubsub: { readonly emulatorHost: string | undefined; readonly projectId: string; readonly launchesTopic: string };
  /** The `notifications` section of the config. */
  readonly notifications: { readonly intervalMs: number; readonly batchSizeMax: number; readonly retentionMs: number };
  readonly log: Logger;
  /** Tuning for tests and the bench; production uses the defaults. */
  readonly backoff?: BackoffPolicy;
  readonly concurrency?: number;
  readonly publishDeadlineMs?: number;
  readonly onPublished?: (event: PendingEvent) => void;
}

export interface RunningRelay {
  /** The /liveness check for Pub/Sub: the launches topic answers. */
  check(): Promise<void>;
  /** Finishes the batches in progress, then closes Pub/Sub and the database session. */
  stop(): Promise<void>;
}

/**
 * Builds and starts one outbox relay: its own database session (LISTEN + leases), its own
 * publisher, the loop. Used by the service (cmd/service.ts) and by the stand-alone relay
 * (cmd/relay.ts); any number may run against one database.
 */
export function startOutboxRelay(opts: RelayRuntimeOptions): RunningRelay {
  const log = opts.log.child({ component: "outbox-relay" });
  const topic = opts.pubsub.launchesTopic;
  const publisher = createPublisher({ projectId: opts.pubsub.projectId, emulatorHost: opts.pubsub.emulatorHost, deadlineMs: opts.publishDeadlineMs });
  if (opts.pubsub.emulatorHost) {
    // Topics are created on start against the emulator, without holding the start up: if it
    // is not up yet, the first publish creates them instead.
    void publisher.ensureTopics([topic]).then(
      () => log.info({ topics: [topic] }, "emulator topics ready"),
      (err: unknown) => log.warn({ err }, "cannot create topics on the emulator yet"),
    );
  }

  // The loop starts once the session is connected (a pass needs it) and wakes again on every
  // reconnection, since notifications sent while disconnected are lost.
  let state: "waiting" | "started" | "stopped" = "waiting";
  const onConnected = () => {
    if (state === "waiting") {
      state = "started";
      relay.start();
    } else if (state === "started") relay.wake();
  };
  const session = openRelaySession({ dsn: opts.dsn, applicationName: `${opts.appName}-outbox-relay`, onNotify: () => relay.wake(), onConnected, log });
  const relay = createOutboxRelay({
    store: createOutboxRelayRepository(session.run),
    publisher,
    topics: { launch: topic },
    source: `/${opts.appName}`,
    batchSize: opts.notifications.batchSizeMax,
    concurrency: opts.concurrency,
    pollIntervalMs: opts.notifications.intervalMs,
    retentionMs: opts.notifications.retentionMs,
    backoff: opts.backoff,
    log,
    onPublished: opts.onPublished,
  });

  let stopping: Promise<void> | undefined;
  return {
    check: () => publisher.check(topic),
    stop: () =>
      (stopping ??= (async () => {
        state = "stopped";
        await relay.stop();
        await publisher.close();
        await session.close();
      })()),
  };
}

// Apart from cmd/wiring/outbox.ts (which every unit of work imports), because this file loads
// @google-cloud/pubsub: the service imports it only when the relay is enabled.
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { Backoff } from "../../pkg/backoff/backoff.js";
import type { PendingEvent } from "../../internal/infra/outbox/ports.js";
import { openRelaySession } from "../../internal/infra/outbox/postgres-session.js";
import { createOutboxRelayStore } from "../../internal/infra/outbox/postgres-store.js";
import { createPublisher } from "../../internal/infra/outbox/pubsub-publisher.js";
import { createOutboxRelay, type OutboxRelayOptions } from "../../internal/infra/outbox/relay.js";
import { eventTopics } from "./outbox.js";

export interface RelayOptions {
  readonly dsn: string;
  /** App name: PostgreSQL application_name and the CloudEvents source (`/<name>`). */
  readonly appName: string;
  readonly pubsub: Pick<Config["pubsub"], "emulatorHost" | "projectId" | "launchesTopic" | "flightsTopic">;
  readonly notifications: Config["notifications"];
  readonly log: Logger;
  /** Tuning for tests and the bench; production uses the defaults. */
  readonly backoff?: Backoff;
  readonly concurrency?: number;
  readonly publishDeadlineMs?: number;
  readonly onPublished?: (event: PendingEvent) => void;
  /** Counts published and failed events (spacet_outbox_events_published_total). */
  readonly events?: OutboxRelayOptions["events"];
}

export interface RunningRelay {
  /** The /liveness check for Pub/Sub: every event topic answers. */
  check(): Promise<void>;
  /** Finishes the batches in progress, then closes Pub/Sub and the database session. */
  stop(): Promise<void>;
}

/**
 * Builds and starts one outbox relay: its own database session (LISTEN + leases), its own
 * publisher, the loop. Used by the service (cmd/service.ts) and by the stand-alone relay
 * (cmd/relay.ts); any number may run against one database.
 */
export function startOutboxRelay(opts: RelayOptions): RunningRelay {
  const log = opts.log.child({ component: "outbox-relay" });
  const topics = eventTopics(opts.pubsub);
  const names = [...new Set(Object.values(topics))];
  const publisher = createPublisher({ projectId: opts.pubsub.projectId, emulatorHost: opts.pubsub.emulatorHost, deadlineMs: opts.publishDeadlineMs });
  if (opts.pubsub.emulatorHost) {
    // Topics are created on start against the emulator, without holding the start up: if it
    // is not up yet, the first publish creates them instead.
    void publisher.ensureTopics(names).then(
      () => log.info({ topics: names }, "emulator topics ready"),
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
    store: createOutboxRelayStore(session.db),
    publisher,
    topics,
    source: `/${opts.appName}`,
    batchSize: opts.notifications.batchSizeMax,
    concurrency: opts.concurrency,
    pollIntervalMs: opts.notifications.intervalMs,
    backoff: opts.backoff,
    log,
    onPublished: opts.onPublished,
    events: opts.events,
  });

  let stopping: Promise<void> | undefined;
  return {
    check: async () => {
      await Promise.all(names.map((topic) => publisher.check(topic)));
    },
    stop: () =>
      (stopping ??= (async () => {
        state = "stopped";
        await relay.stop();
        await publisher.close();
        await session.close();
      })()),
  };
}

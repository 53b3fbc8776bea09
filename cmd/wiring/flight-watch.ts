import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { backoffDelay } from "../../pkg/backoff/backoff.js";
import { createFlightWatch, type FlightWatch } from "../../internal/app/flight/flight-watch.js";
import type { SpacetMetrics } from "../../internal/infra/metrics/spacet-metrics.js";
import { createFlightChangeListener } from "../../internal/infra/postgres/flight/flight-change-listener.js";
import { createFlightRepositories } from "../../internal/infra/postgres/flight/repositories.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createUnitOfWork } from "../../internal/infra/postgres/unit-of-work.js";
import { outboxWriter } from "./outbox.js";

/** Reconnecting the LISTEN connection: 100 ms doubling to 5 s, with jitter. */
const RECONNECT = { firstMs: 100, maxMs: 5_000 };
/** Reading a watched flight again after a failed read: 200 ms doubling to 5 s, with jitter. */
const READ_RETRY = { firstMs: 200, maxMs: 5_000 };

/**
 * WatchFlight for this replica: the watch over the flight repositories, fed by the replica's one
 * LISTEN connection (named `<app>-flight-watch` in pg_stat_activity), counted in
 * spacet_flight_watch_*. Changes are announced by the use cases (createFlightChangeNotifier).
 */
export function startFlightWatch(deps: {
  dsn: string;
  db: Kysely<Database>;
  appName: string;
  maxStreams: number;
  metrics: SpacetMetrics["flightWatch"];
  log: Logger;
  stopping: () => boolean;
}): FlightWatch {
  const log = deps.log.child({ component: "flight-watch" });
  const watch = createFlightWatch({
    uow: createUnitOfWork(deps.db, createFlightRepositories, outboxWriter(randomUUID)),
    feed: createFlightChangeListener({
      dsn: deps.dsn,
      applicationName: `${deps.appName}-flight-watch`,
      reconnectDelayMs: (failures) => backoffDelay(failures, RECONNECT),
      log,
      stopping: deps.stopping,
    }),
    maxStreams: deps.maxStreams,
    counters: { read: () => deps.metrics.reads.inc(), sent: () => deps.metrics.messages.inc() },
    retryDelayMs: (failures) => backoffDelay(failures, READ_RETRY),
    log,
  });
  deps.metrics.readOpenStreams(() => watch.openStreams);
  return watch;
}

import type { DescService } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createServerMetrics } from "../../pkg/grpc-prometheus/index.js";
import { type PoolCounters, registerDatabaseGauges } from "../../internal/infra/metrics/database-gauges.js";
import { createSpacetMetrics } from "../../internal/infra/metrics/spacet-metrics.js";
import { createOutboxBacklog } from "../../internal/infra/outbox/outbox-backlog.js";
import { createDeliveryBacklog } from "../../internal/infra/postgres/notification/delivery-backlog.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { createMetricsRoute } from "./metrics-route.js";

/**
 * The service's Prometheus registry and what feeds it (README "Metrics" lists every series):
 * prom-client's process metrics; the go-grpc-prometheus RPC metrics of every service served;
 * the `spacet_*` metrics, whose instruments the wiring hands to the code that records them;
 * and, once the database is open, gauges read on each scrape.
 */
export function createServiceMetrics(opts: { services: readonly DescService[]; log: Logger }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const log = opts.log.child({ component: "metrics" });
  const rpcs = createServerMetrics({ registry, services: opts.services });
  return {
    registry,
    /** Outermost interceptor: every face (gRPC, Connect, gRPC-Web, the REST gateway) counts under its RPC. */
    interceptor: rpcs.interceptor,
    /** For the Connect adapter's `failureInterceptors`: RPCs rejected before the interceptors (an undecodable body) count too. */
    failureInterceptor: rpcs.failureInterceptor,
    spacet: createSpacetMetrics(registry),
    /** `GET /metrics`. */
    route: createMetricsRoute(registry, log),
    /** Adds the pool's connection gauges, the outbox backlog and webhook backlog gauges, read on each scrape. */
    watchDatabase(database: { db: Kysely<Database>; pool: PoolCounters }): void {
      registerDatabaseGauges(registry, {
        pool: database.pool,
        backlog: createOutboxBacklog(database.db),
        webhooks: createDeliveryBacklog(database.db),
        log,
      });
    },
  };
}
export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

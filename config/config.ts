import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { cronProblem } from "./cron.js";
import { parseDuration } from "./duration.js";
import { invalidCidrs } from "./cidr.js";

/** Frozen service configuration. Only this module reads process.env. */
export interface Config {
  readonly app: { readonly name: string; readonly version: string; readonly logLevel: LogLevel; readonly logFormat: LogFormat };
  readonly http: {
    readonly port: number;
    /** An HTTP/2 request body that stops arriving is cancelled after this long. */
    readonly bodyTimeoutMs: number;
    /** Browser origins allowed to call the API (CORS); empty allows none, `*` any. */
    readonly corsAllowedOrigins: readonly string[];
  };
  readonly grpc: { readonly port: number };
  readonly postgres: { readonly dsn: string | undefined; readonly poolMax: number; readonly dataDir: string };
  readonly orchestrator: { readonly intervalMs: number };
  readonly spacex: { readonly apiUrl: string; readonly timeoutMs: number; readonly launchpadsMaxAgeMs: number };
  readonly booking: {
    readonly launchCapacity: number;
    /** HMAC key of page tokens; undefined on the embedded default, where each process makes one up. */
    readonly pageTokenSecret: string | undefined;
  };
  readonly pubsub: {
    readonly enabled: boolean;
    readonly emulatorHost: string | undefined;
    readonly projectId: string;
    readonly launchesTopic: string;
    readonly flightsTopic: string;
  };
  readonly flights: {
    /** Most seats one booking may take (MAX_SEATS_PER_BOOKING). */
    readonly maxSeatsPerBooking: number;
    /** Most bookings of one flight one statement decides (the coordinator's batch). */
    readonly bookingBatchMax: number;
    /** Most bookings of one flight waiting on one replica; beyond it RESOURCE_EXHAUSTED. */
    readonly bookingQueueMax: number;
    /** Longest wait for a flight's row lock before FLIGHT_BUSY. */
    readonly bookingLockTimeoutMs: number;
    /** Most WatchFlight streams open on one replica (WATCH_MAX_STREAMS); beyond it RESOURCE_EXHAUSTED. */
    readonly watchMaxStreams: number;
  };
  readonly notifications: { readonly intervalMs: number; readonly batchSizeMax: number; readonly retentionMs: number };
  /** Webhook delivery (alerts and subscriptions). */
  readonly webhooks: {
    /** Accept http: webhook URLs (https: only otherwise). */
    readonly allowHttp: boolean;
    /** Private ranges webhooks may reach anyway (CIDRs); empty: public unicast only. */
    readonly allowedCidrs: readonly string[];
    /** One attempt's limit, connection to status line. */
    readonly timeoutMs: number;
    /** Delays before retry 1, 2, …; then the delivery fails. */
    readonly retryDelaysMs: readonly number[];
    /** Spread of each retry delay, 0 to 1 (0.2 = ±20 %). */
    readonly retryJitter: number;
    /** How long a claim holds a delivery (longer than the timeout); a dead sender's deliveries go out again after it. */
    readonly leaseMs: number;
    /** Most deliveries one replica sends at once. */
    readonly maxInFlight: number;
    /** How long finished deliveries (succeeded, failed, cancelled) are kept: listed and retried until then. */
    readonly retentionMs: number;
  };
  readonly shutdown: { readonly graceMs: number };
  /**
   * When each recurring job fires: cron expressions (UTC; seconds optional), validated here. A
   * firing only triggers the job; what it finds decides whether it works (see each key).
   */
  readonly schedules: {
    /** SYNC_CRON: check whether the SpaceX launch sync is due (last success ORCHESTRATOR_INTERVAL ago). */
    readonly sync: string;
    /** LAUNCHPADS_CRON: check whether the launchpad refresh is due (pads older than SPACEX_LAUNCHPADS_MAX_AGE). */
    readonly launchpads: string;
    /** OUTBOX_CLEANUP_CRON: delete published outbox events older than NOTIFICATIONS_RETENTION. */
    readonly outboxCleanup: string;
    /** FLIGHT_EXPIRY_CRON: close the open flights whose offer ended. */
    readonly flightExpiry: string;
    /** WEBHOOK_POLL_CRON: look for due webhook deliveries (a fallback: commits and due times wake the dispatcher). */
    readonly webhookPoll: string;
    /** WEBHOOK_CLEANUP_CRON: delete webhook deliveries finished longer ago than WEBHOOK_RETENTION. */
    readonly webhookCleanup: string;
  };
  readonly auth: {
    /** HMAC key for bearer tokens; undefined only on the embedded default (the server then generates one). */
    readonly jwtSecret: string | undefined;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly jwtTtlMs: number;
    /** Lower-cased usernames that log in as operators. */
    readonly operatorUsernames: readonly string[];
    readonly loginMaxFailures: number;
    readonly loginMaxFailuresPerAddress: number;
    readonly loginFailureWindowMs: number;
  };
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  readonly path?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The command serves the API and signs tokens: with a shared database (PG_DSN) it then needs
   * JWT_SECRET and PAGE_TOKEN_SECRET, or each replica would sign with its own keys and reject
   * the others' tokens.
   */
  readonly serving?: boolean;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
const LOG_LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
/** JSON lines for machines (the default), or one coloured line per entry for a terminal. */
export type LogFormat = "json" | "pretty";
const LOG_FORMATS: readonly string[] = ["json", "pretty"];

/** Thrown when the configuration is invalid; the message lists every problem at once. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

export const DEFAULT_CONFIG_PATH = "config/config.yaml";

/** HMAC-SHA256 keys (HS256 bearer tokens, page tokens) shorter than the hash output weaken it (RFC 7518 §3.2). */
export const SIGNING_KEY_MIN_BYTES = 32;
const USERNAME = /^[a-z0-9_.-]{3,32}$/;

/** Reads `--config <path>` (or `--config=<path>`) from argv. */
export function configPathFromArgv(argv: readonly string[]): string {
  const i = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  if (i < 0) return DEFAULT_CONFIG_PATH;
  const arg = argv[i];
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : (argv[i + 1] ?? "");
}

/**
 * Loads the YAML file and overlays the environment (the environment wins). Every problem is
 * collected and reported together, so an operator fixes a deployment in one round.
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const path = opts.path ?? DEFAULT_CONFIG_PATH;
  const problems: string[] = [];
  let file: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(readFileSync(path, "utf8"));
    if (parsed !== null && typeof parsed === "object") file = parsed as Record<string, unknown>;
    else if (parsed != null) problems.push(`${path}: expected a mapping at the top level`);
  } catch (e) {
    problems.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
  }

  /** Raw value of `section.key`, environment first. */
  const raw = (key: string, envName: string): string | undefined => {
    if (env[envName] !== undefined) return env[envName];
    const [section, name] = key.split(".");
    const s = file[section];
    const v = s && typeof s === "object" ? (s as Record<string, unknown>)[name] : undefined;
    return v === undefined || v === null ? undefined : String(v);
  };
  const where = (key: string, envName: string) => (env[envName] !== undefined ? envName : `${key} (${envName})`);

  const str = (key: string, envName: string, def?: string): string => {
    const v = raw(key, envName) ?? def;
    if (v === undefined || v === "") {
      problems.push(`${where(key, envName)} is required`);
      return "";
    }
    return v;
  };
  const optional = (key: string, envName: string): string | undefined => raw(key, envName) || undefined;
  const int = (key: string, envName: string, def: number, min: number, max: number): number => {
    const v = raw(key, envName);
    const n = v === undefined || v === "" ? def : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${where(key, envName)} must be an integer from ${min} to ${max}, got "${v}"`);
      return def;
    }
    return n;
  };
  const bool = (key: string, envName: string, def: boolean): boolean => {
    const v = raw(key, envName);
    if (v === undefined || v === "") return def;
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
    problems.push(`${where(key, envName)} must be true or false, got "${v}"`);
    return def;
  };
  const duration = (key: string, envName: string, def: string): number => {
    const v = raw(key, envName) ?? def;
    const ms = parseDuration(v);
    if (ms === undefined) {
      problems.push(`${where(key, envName)} must be a positive duration like 30s, 5m or 1h, got "${v}"`);
      return parseDuration(def) ?? 1;
    }
    return ms;
  };
  const cron = (key: string, envName: string, def: string): string => {
    const v = (raw(key, envName) ?? def).trim();
    const problem = cronProblem(v);
    if (problem) problems.push(`${where(key, envName)} must be a cron expression like "*/5 * * * *" (seconds first optional), got "${v}": ${problem}`);
    return v;
  };
  const url = (key: string, envName: string, def: string): string => {
    const v = str(key, envName, def);
    try {
      const u = new URL(v);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    } catch {
      problems.push(`${where(key, envName)} must be an http(s) URL, got "${v}"`);
    }
    return v.replace(/\/+$/, "");
  };

  /** Comma-separated origins (`https://app.example.com`), or `*`; empty means none. */
  const origins = (key: string, envName: string): string[] => {
    const list = (raw(key, envName) ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o !== "");
    for (const o of list) {
      if (o === "*") continue;
      let origin: string | undefined;
      try {
        const u = new URL(o);
        if (u.protocol === "http:" || u.protocol === "https:") origin = u.origin;
      } catch {
        origin = undefined;
      }
      if (origin !== o)
        problems.push(`${where(key, envName)} must list origins like https://app.example.com (scheme, host, optional port, no path), got "${o}"`);
    }
    return list;
  };

  /** Comma-separated list; empty entries dropped. */
  const list = (key: string, envName: string, def = ""): string[] =>
    (raw(key, envName) ?? def)
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o !== "");
  const cidrs = (key: string, envName: string): string[] => {
    const v = list(key, envName);
    for (const c of invalidCidrs(v)) problems.push(`${where(key, envName)} must list CIDRs like 10.0.0.0/8 or fd00::/8, got "${c}"`);
    return v;
  };
  const durations = (key: string, envName: string, def: string): number[] => {
    const v = list(key, envName, def);
    const ms = v.map(parseDuration);
    if (v.length === 0 || ms.some((d) => d === undefined)) {
      problems.push(`${where(key, envName)} must list positive durations like 5s,5m,30m, got "${v.join(",")}"`);
      return def.split(",").map((d) => parseDuration(d) ?? 1);
    }
    return ms as number[];
  };

  const logLevel = str("app.log_level", "LOG_LEVEL", "info");
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const logFormat = str("app.log_format", "LOG_FORMAT", "json");
  if (!LOG_FORMATS.includes(logFormat)) problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(", ")}, got "${logFormat}"`);
  const emulatorHost = optional("pubsub.emulator_host", "PUBSUB_EMULATOR_HOST");
  if (emulatorHost && !/^[\w.-]+:\d+$|^\[[\da-f:]+\]:\d+$/i.test(emulatorHost)) {
    problems.push(`PUBSUB_EMULATOR_HOST must be host:port, got "${emulatorHost}"`);
  }

  const postgresDsn = optional("postgres.dsn", "PG_DSN");
  /**
   * A key every replica must share: at least SIGNING_KEY_MIN_BYTES, and required from a server
   * with a shared database (on the embedded default the server makes one up). The value itself
   * is never printed: a problem list ends up in deployment logs.
   */
  const signingKey = (key: string, envName: string, signs: string): string | undefined => {
    const value = optional(key, envName);
    if (value !== undefined && Buffer.byteLength(value) < SIGNING_KEY_MIN_BYTES) {
      problems.push(`${where(key, envName)} must be at least ${SIGNING_KEY_MIN_BYTES} bytes (e.g. \`openssl rand -base64 48\`)`);
    } else if (value === undefined && postgresDsn && opts.serving) {
      problems.push(
        `${where(key, envName)} is required when PG_DSN is set: every replica must sign ${signs} with the same key (e.g. \`openssl rand -base64 48\`)`,
      );
    }
    return value;
  };
  const jwtSecret = signingKey("auth.jwt_secret", "JWT_SECRET", "tokens");
  const pageTokenSecret = signingKey("booking.page_token_secret", "PAGE_TOKEN_SECRET", "page tokens");
  const operatorUsernames = (optional("auth.operator_usernames", "OPERATOR_USERNAMES") ?? "")
    .split(",")
    .map((u) => u.trim().toLowerCase())
    .filter((u) => u !== "");
  for (const u of operatorUsernames) {
    if (!USERNAME.test(u)) problems.push(`${where("auth.operator_usernames", "OPERATOR_USERNAMES")} holds "${u}", which is not a valid username`);
  }

  const config: Config = {
    app: {
      name: str("app.name", "APP_NAME", "spacet"),
      version: str("app.version", "APP_VERSION", "0.0.0"),
      logLevel: logLevel as LogLevel,
      logFormat: logFormat as LogFormat,
    },
    http: {
      port: int("http.port", "HTTP_PORT", 8080, 0, 65535),
      bodyTimeoutMs: duration("http.body_timeout", "HTTP_BODY_TIMEOUT", "30s"),
      corsAllowedOrigins: origins("http.cors_allowed_origins", "CORS_ALLOWED_ORIGINS"),
    },
    grpc: { port: int("grpc.port", "GRPC_PORT", 8081, 0, 65535) },
    postgres: {
      dsn: postgresDsn,
      poolMax: int("postgres.pool_max", "PG_POOL_MAX", 10, 1, 1000),
      dataDir: str("postgres.data_dir", "PG_DATA_DIR", ".data/pg"),
    },
    orchestrator: { intervalMs: duration("orchestrator.interval", "ORCHESTRATOR_INTERVAL", "1h") },
    spacex: {
      apiUrl: url("spacex.api_url", "SPACEX_API_URL", "https://api.spacexdata.com/v4"),
      timeoutMs: duration("spacex.timeout", "SPACEX_TIMEOUT", "10s"),
      launchpadsMaxAgeMs: duration("spacex.launchpads_max_age", "SPACEX_LAUNCHPADS_MAX_AGE", "720h"),
    },
    booking: {
      launchCapacity: int("booking.launch_capacity", "LAUNCH_CAPACITY", 50, 1, 100_000),
      pageTokenSecret,
    },
    pubsub: {
      enabled: bool("pubsub.enabled", "PUBSUB_ENABLED", false),
      emulatorHost,
      projectId: str("pubsub.project_id", "PUBSUB_PROJECT_ID", "spacet-project"),
      launchesTopic: str("pubsub.launches_topic", "PUBSUB_LAUNCHES_TOPIC", "launches"),
      flightsTopic: str("pubsub.flights_topic", "PUBSUB_FLIGHTS_TOPIC", "flights"),
    },
    flights: {
      maxSeatsPerBooking: int("flights.max_seats_per_booking", "MAX_SEATS_PER_BOOKING", 9, 1, 1000),
      bookingBatchMax: int("flights.booking_batch_max", "FLIGHT_BOOKING_BATCH_MAX", 64, 1, 1000),
      bookingQueueMax: int("flights.booking_queue_max", "FLIGHT_BOOKING_QUEUE_MAX", 500, 1, 100_000),
      bookingLockTimeoutMs: duration("flights.booking_lock_timeout", "FLIGHT_BOOKING_LOCK_TIMEOUT", "2s"),
      watchMaxStreams: int("flights.watch_max_streams", "WATCH_MAX_STREAMS", 1000, 1, 100_000),
    },
    notifications: {
      intervalMs: duration("notifications.interval", "NOTIFICATIONS_INTERVAL", "30s"),
      batchSizeMax: int("notifications.batch_size_max", "NOTIFICATIONS_BATCH_SIZE_MAX", 1000, 1, 10_000),
      retentionMs: duration("notifications.retention", "NOTIFICATIONS_RETENTION", "168h"),
    },
    webhooks: {
      allowHttp: bool("webhooks.allow_http", "WEBHOOK_ALLOW_HTTP", false),
      allowedCidrs: cidrs("webhooks.allowed_cidrs", "WEBHOOK_ALLOWED_CIDRS"),
      timeoutMs: duration("webhooks.timeout", "WEBHOOK_TIMEOUT", "15s"),
      retryDelaysMs: durations("webhooks.retry_schedule", "WEBHOOK_RETRY_SCHEDULE", "5s,5m,30m,2h,5h,10h,10h"),
      retryJitter: int("webhooks.retry_jitter_percent", "WEBHOOK_RETRY_JITTER_PERCENT", 20, 0, 100) / 100,
      leaseMs: duration("webhooks.lease", "WEBHOOK_LEASE", "60s"),
      maxInFlight: int("webhooks.max_in_flight", "WEBHOOK_MAX_IN_FLIGHT", 16, 1, 1000),
      retentionMs: duration("webhooks.retention", "WEBHOOK_RETENTION", "720h"),
    },
    shutdown: { graceMs: duration("shutdown.grace", "SHUTDOWN_GRACE", "20s") },
    schedules: {
      sync: cron("schedules.sync", "SYNC_CRON", "*/5 * * * *"),
      launchpads: cron("schedules.launchpads", "LAUNCHPADS_CRON", "0 * * * *"),
      outboxCleanup: cron("schedules.outbox_cleanup", "OUTBOX_CLEANUP_CRON", "* * * * *"),
      flightExpiry: cron("schedules.flight_expiry", "FLIGHT_EXPIRY_CRON", "* * * * *"),
      webhookPoll: cron("schedules.webhook_poll", "WEBHOOK_POLL_CRON", "* * * * *"),
      webhookCleanup: cron("schedules.webhook_cleanup", "WEBHOOK_CLEANUP_CRON", "*/5 * * * *"),
    },
    auth: {
      jwtSecret,
      jwtIssuer: str("auth.jwt_issuer", "JWT_ISSUER", "spacet"),
      jwtAudience: str("auth.jwt_audience", "JWT_AUDIENCE", "spacet-api"),
      jwtTtlMs: duration("auth.jwt_ttl", "JWT_TTL", "1h"),
      operatorUsernames,
      loginMaxFailures: int("auth.login_max_failures", "LOGIN_MAX_FAILURES", 5, 1, 1000),
      loginMaxFailuresPerAddress: int("auth.login_max_failures_per_address", "LOGIN_MAX_FAILURES_PER_ADDRESS", 50, 1, 100_000),
      loginFailureWindowMs: duration("auth.login_failure_window", "LOGIN_FAILURE_WINDOW", "15m"),
    },
  };
  // A live sender must record its outcome before its claim can be taken over.
  if (config.webhooks.leaseMs <= config.webhooks.timeoutMs) {
    problems.push(`WEBHOOK_LEASE (${config.webhooks.leaseMs} ms) must be longer than WEBHOOK_TIMEOUT (${config.webhooks.timeoutMs} ms)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  for (const v of Object.values(o as object)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(o);
}

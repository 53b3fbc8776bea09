import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, configPathFromArgv, loadConfig } from "./config.js";
import { parseDuration } from "./duration.js";

// One folder for the file's YAML files, removed at the end: tests leave nothing in the temp folder.
const dir = mkdtempSync(join(tmpdir(), "spacet-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const yamlFile = (text: string) => {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, text);
  return path;
};

describe("config", () => {
  it("reads the shipped config/config.yaml with defaults", () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.http.port, 8080);
    assert.equal(c.grpc.port, 8081);
    assert.equal(c.postgres.dsn, undefined, "empty PG_DSN means the embedded default");
    assert.equal(c.orchestrator.intervalMs, 3_600_000);
    assert.equal(c.booking.launchCapacity, 50);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.pubsub));
  });

  it("lets the environment override every file key", () => {
    const c = loadConfig({
      env: {
        HTTP_PORT: "9090",
        PG_DSN: "postgres://x@h/db",
        ORCHESTRATOR_INTERVAL: "90s",
        PUBSUB_ENABLED: "true",
        LOG_LEVEL: "debug",
        PUBSUB_EMULATOR_HOST: "127.0.0.1:8085",
      },
    });
    assert.deepEqual(
      [c.http.port, c.postgres.dsn, c.orchestrator.intervalMs, c.pubsub.enabled, c.app.logLevel, c.pubsub.emulatorHost],
      [9090, "postgres://x@h/db", 90_000, true, "debug", "127.0.0.1:8085"],
    );
  });

  it("reports every problem at once", () => {
    const path = yamlFile("http:\n  port: 99999\n");
    try {
      loadConfig({ path, env: { GRPC_PORT: "abc", PUBSUB_ENABLED: "maybe", ORCHESTRATOR_INTERVAL: "soon", LOG_LEVEL: "loud", SPACEX_API_URL: "ftp://x" } });
      assert.fail("expected ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const fields = ["http.port", "GRPC_PORT", "PUBSUB_ENABLED", "ORCHESTRATOR_INTERVAL", "LOG_LEVEL", "SPACEX_API_URL"];
      for (const f of fields)
        assert.ok(
          e.problems.some((p) => p.includes(f)),
          `missing problem for ${f}: ${e.message}`,
        );
    }
  });

  it("reads CORS origins as a comma-separated list or a YAML list, none by default", () => {
    assert.deepEqual(loadConfig({ env: {} }).http.corsAllowedOrigins, []);
    const fromEnv = loadConfig({ env: { CORS_ALLOWED_ORIGINS: " https://app.example.com , http://localhost:5173" } });
    assert.deepEqual(fromEnv.http.corsAllowedOrigins, ["https://app.example.com", "http://localhost:5173"]);
    const fromFile = loadConfig({ path: yamlFile("http:\n  cors_allowed_origins: [https://a.example, https://b.example:8443]\n"), env: {} });
    assert.deepEqual(fromFile.http.corsAllowedOrigins, ["https://a.example", "https://b.example:8443"]);
    assert.deepEqual(loadConfig({ env: { CORS_ALLOWED_ORIGINS: "*" } }).http.corsAllowedOrigins, ["*"]);
    for (const bad of ["https://app.example.com/", "app.example.com", "ftp://x.example", "https://x.example/path"]) {
      assert.throws(
        () => loadConfig({ env: { CORS_ALLOWED_ORIGINS: bad } }),
        (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.includes("CORS_ALLOWED_ORIGINS") && p.includes(bad)),
        bad,
      );
    }
  });

  describe("PAGE_TOKEN_SECRET", () => {
    const secret = "a".repeat(32);

    it("is optional on the embedded default, even for the server (it makes one up)", () => {
      assert.equal(loadConfig({ env: {}, serving: true }).booking.pageTokenSecret, undefined);
      assert.equal(loadConfig({ env: { PAGE_TOKEN_SECRET: secret }, serving: true }).booking.pageTokenSecret, secret);
    });

    it("is required by a server with PG_DSN, listed with the other problems", () => {
      assert.doesNotThrow(() => loadConfig({ env: { PG_DSN: "postgres://x@h/db" } }), "other commands do not sign tokens");
      try {
        loadConfig({ env: { PG_DSN: "postgres://x@h/db", GRPC_PORT: "abc" }, serving: true });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.ok(
          e.problems.some((p) => p.includes("PAGE_TOKEN_SECRET") && p.includes("PG_DSN")),
          e.message,
        );
        assert.ok(
          e.problems.some((p) => p.includes("GRPC_PORT")),
          e.message,
        );
      }
    });

    it("refuses a key under 32 bytes without printing it", () => {
      const short = "short-secret-value";
      try {
        loadConfig({ env: { PAGE_TOKEN_SECRET: short } });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /PAGE_TOKEN_SECRET must be at least 32 bytes/);
        assert.doesNotMatch(e.message, new RegExp(short));
      }
    });

    it("ships no key in config/config.yaml", () => {
      assert.equal(loadConfig({ env: {} }).booking.pageTokenSecret, undefined);
    });
  });

  describe("webhooks", () => {
    it("defaults to https only, public addresses only, 15 s attempts, the Standard Webhooks retry schedule and 30 days of finished deliveries", () => {
      const h = 3_600_000;
      assert.deepEqual(loadConfig({ env: {} }).webhooks, {
        allowHttp: false,
        allowedCidrs: [],
        timeoutMs: 15_000,
        retryDelaysMs: [5_000, 300_000, 1_800_000, 2 * h, 5 * h, 10 * h, 10 * h],
        retryJitter: 0.2,
        leaseMs: 60_000,
        maxInFlight: 16,
        retentionMs: 720 * h,
      });
    });

    it("takes a local allowlist and a short schedule for tests", () => {
      const { webhooks } = loadConfig({
        env: {
          WEBHOOK_ALLOWED_CIDRS: "127.0.0.0/8, ::1/128",
          WEBHOOK_ALLOW_HTTP: "true",
          WEBHOOK_RETRY_SCHEDULE: "50ms,100ms",
          WEBHOOK_RETRY_JITTER_PERCENT: "0",
        },
      });
      assert.deepEqual(
        [webhooks.allowedCidrs, webhooks.allowHttp, webhooks.retryDelaysMs, webhooks.retryJitter],
        [["127.0.0.0/8", "::1/128"], true, [50, 100], 0],
      );
    });

    it("names a bad CIDR, a bad schedule and a lease no longer than the timeout", () => {
      try {
        loadConfig({ env: { WEBHOOK_ALLOWED_CIDRS: "127.0.0.0/8,localhost", WEBHOOK_RETRY_SCHEDULE: "5s,soon", WEBHOOK_LEASE: "10s" } });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 3, e.message);
        assert.ok(e.problems.some((p) => p.startsWith('WEBHOOK_ALLOWED_CIDRS must list CIDRs like 10.0.0.0/8 or fd00::/8, got "localhost"')));
        assert.ok(e.problems.some((p) => p.startsWith("WEBHOOK_RETRY_SCHEDULE must list positive durations")));
        assert.ok(e.problems.some((p) => p.startsWith("WEBHOOK_LEASE (10000 ms) must be longer than WEBHOOK_TIMEOUT (15000 ms)")));
      }
    });
  });

  describe("schedules", () => {
    it("defaults to checking the sync every 5 minutes, the pads hourly, cleaning the outbox and closing expired offers every minute, old deliveries every 5", () => {
      assert.deepEqual(loadConfig({ env: {} }).schedules, {
        sync: "*/5 * * * *",
        launchpads: "0 * * * *",
        outboxCleanup: "* * * * *",
        flightExpiry: "* * * * *",
        webhookPoll: "* * * * *",
        webhookCleanup: "*/5 * * * *",
      });
    });

    it("takes cron expressions from the environment, with an optional seconds field", () => {
      const { schedules } = loadConfig({
        env: { SYNC_CRON: "*/1 * * * *", LAUNCHPADS_CRON: "30 3 * * MON", OUTBOX_CLEANUP_CRON: " */10 * * * * * ", WEBHOOK_CLEANUP_CRON: "0 3 * * *" },
      });
      assert.deepEqual(schedules, {
        sync: "*/1 * * * *",
        launchpads: "30 3 * * MON",
        outboxCleanup: "*/10 * * * * *",
        flightExpiry: "* * * * *",
        webhookPoll: "* * * * *",
        webhookCleanup: "0 3 * * *",
      });
    });

    it("names each invalid expression and what is wrong with it, among the other problems", () => {
      try {
        loadConfig({ env: { SYNC_CRON: "61 * * * *", LAUNCHPADS_CRON: "every hour", OUTBOX_CLEANUP_CRON: "", HTTP_PORT: "-1" } });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 4, e.message);
        assert.ok(
          e.problems.some((p) => /^SYNC_CRON must be a cron expression .*got "61 \* \* \* \*": minute: 61 is a invalid expression for minute$/.test(p)),
          e.message,
        );
        assert.ok(
          e.problems.some((p) => /^LAUNCHPADS_CRON .*got "every hour": expected 5 or 6 fields but got 2$/.test(p)),
          e.message,
        );
        assert.ok(
          e.problems.some((p) => p.startsWith('OUTBOX_CLEANUP_CRON must be a cron expression like "*/5 * * * *"')),
          e.message,
        );
        assert.ok(
          e.problems.some((p) => p.startsWith("HTTP_PORT")),
          e.message,
        );
      }
    });

    it("reads them from the file's schedules section", () => {
      const path = yamlFile('schedules:\n  sync: "0 */2 * * *"\n');
      assert.equal(loadConfig({ path, env: {} }).schedules.sync, "0 */2 * * *");
    });
  });

  it("reports a missing or broken file as a problem", () => {
    assert.throws(() => loadConfig({ path: "/nonexistent/config.yaml", env: {} }), ConfigError);
    assert.throws(() => loadConfig({ path: yamlFile("http: [unclosed"), env: {} }), ConfigError);
  });

  it("finds --config in argv", () => {
    assert.equal(configPathFromArgv(["--config", "a.yaml"]), "a.yaml");
    assert.equal(configPathFromArgv(["--config=b.yaml"]), "b.yaml");
    assert.equal(configPathFromArgv([]), "config/config.yaml");
  });

  it("parses durations with units, bare numbers as seconds", () => {
    assert.deepEqual(["500ms", "30s", "5m", "1.5h", "2d", "45"].map(parseDuration), [500, 30_000, 300_000, 5_400_000, 172_800_000, 45_000]);
    assert.deepEqual(["", "0", "-1s", "1w", "abc"].map(parseDuration), [undefined, undefined, undefined, undefined, undefined]);
  });

  describe("auth", () => {
    const secret = "k".repeat(40);

    it("defaults to 1 h tokens, no operators and 5 failures per username in 15 min", () => {
      const { auth } = loadConfig({ env: {} });
      assert.deepEqual(
        [auth.jwtSecret, auth.jwtIssuer, auth.jwtAudience, auth.jwtTtlMs, auth.operatorUsernames, auth.loginMaxFailures, auth.loginFailureWindowMs],
        [undefined, "spacet", "spacet-api", 3_600_000, [], 5, 900_000],
      );
    });

    it("reads JWT_SECRET, JWT_TTL and OPERATOR_USERNAMES (trimmed, lower-cased)", () => {
      const { auth } = loadConfig({ env: { JWT_SECRET: secret, JWT_TTL: "15m", OPERATOR_USERNAMES: " Ada, boss ,", LOGIN_MAX_FAILURES: "3" } });
      assert.deepEqual([auth.jwtSecret, auth.jwtTtlMs, auth.operatorUsernames, auth.loginMaxFailures], [secret, 900_000, ["ada", "boss"], 3]);
    });

    it("lets the server start on the embedded default without JWT_SECRET (it generates one)", () => {
      assert.equal(loadConfig({ env: {}, serving: true }).auth.jwtSecret, undefined);
    });

    it("refuses a server with PG_DSN and no JWT_SECRET, listed with the other problems", () => {
      const err = (() => {
        try {
          loadConfig({ env: { PG_DSN: "postgres://x@h/db", HTTP_PORT: "-1" }, serving: true });
        } catch (e) {
          return e;
        }
      })();
      assert.ok(err instanceof ConfigError, "expected ConfigError");
      assert.ok(
        err.problems.some((p) => p.includes("JWT_SECRET") && p.includes("PG_DSN")),
        err.message,
      );
      assert.ok(
        err.problems.some((p) => p.startsWith("HTTP_PORT")),
        err.message,
      );
      // Tools that sign no tokens (migrate, relay) need no secret.
      assert.equal(loadConfig({ env: { PG_DSN: "postgres://x@h/db" } }).auth.jwtSecret, undefined);
    });

    it("refuses a JWT_SECRET under 32 bytes without printing it, and an invalid operator name", () => {
      const short = "too-short-secret-31-bytes-long!";
      try {
        loadConfig({ env: { JWT_SECRET: short, OPERATOR_USERNAMES: "ok_name,no spaces" } });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        assert.ok(
          e.problems.some((p) => p.includes("JWT_SECRET") && p.includes("32 bytes")),
          e.message,
        );
        assert.ok(
          e.problems.some((p) => p.includes("OPERATOR_USERNAMES") && p.includes("no spaces")),
          e.message,
        );
        assert.ok(!e.message.includes(short), "the secret never appears in the error");
      }
    });
  });

  describe("flights", () => {
    it("defaults to 9 seats per booking, batches of 64, 500 waiting per flight, a 2 s lock wait, 1,000 watch streams, expiry every minute, topic flights", () => {
      const c = loadConfig({ env: {} });
      assert.deepEqual(c.flights, { maxSeatsPerBooking: 9, bookingBatchMax: 64, bookingQueueMax: 500, bookingLockTimeoutMs: 2_000, watchMaxStreams: 1_000 });
      assert.equal(c.schedules.flightExpiry, "* * * * *");
      assert.equal(c.pubsub.flightsTopic, "flights");
    });

    it("takes every flight key from the environment and reports bad ones together", () => {
      const c = loadConfig({
        env: {
          MAX_SEATS_PER_BOOKING: "4",
          FLIGHT_BOOKING_BATCH_MAX: "8",
          FLIGHT_BOOKING_QUEUE_MAX: "50",
          FLIGHT_BOOKING_LOCK_TIMEOUT: "500ms",
          WATCH_MAX_STREAMS: "20",
          FLIGHT_EXPIRY_CRON: "*/5 * * * * *",
          PUBSUB_FLIGHTS_TOPIC: "air",
        },
      });
      assert.deepEqual(
        [c.flights, c.schedules.flightExpiry, c.pubsub.flightsTopic],
        [{ maxSeatsPerBooking: 4, bookingBatchMax: 8, bookingQueueMax: 50, bookingLockTimeoutMs: 500, watchMaxStreams: 20 }, "*/5 * * * * *", "air"],
      );
      try {
        loadConfig({
          env: {
            MAX_SEATS_PER_BOOKING: "0",
            FLIGHT_BOOKING_BATCH_MAX: "x",
            FLIGHT_BOOKING_LOCK_TIMEOUT: "soon",
            WATCH_MAX_STREAMS: "0",
            FLIGHT_EXPIRY_CRON: "61 * * * *",
          },
        });
        assert.fail("expected ConfigError");
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        for (const key of ["MAX_SEATS_PER_BOOKING", "FLIGHT_BOOKING_BATCH_MAX", "FLIGHT_BOOKING_LOCK_TIMEOUT", "WATCH_MAX_STREAMS", "FLIGHT_EXPIRY_CRON"]) {
          assert.ok(
            e.problems.some((p) => p.startsWith(key)),
            `${key}: ${e.message}`,
          );
        }
      }
    });
  });
});

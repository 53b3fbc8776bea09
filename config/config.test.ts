import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, configPathFromArgv, loadConfig } from "./config.js";
import { parseDuration } from "./duration.js";

const yamlFile = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "spacet-config-")), "config.yaml");
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
});

import { pino } from "pino";
import { ConfigError, configPathFromArgv, loadConfig } from "../config/config.js";
import { startOutboxRelay } from "../internal/infra/outbox/relay-runtime.js";
import { migrate } from "../internal/infra/postgres/migrator.js";

/**
 * `npm run relay`: the outbox relay on its own, for deployments that scale publishing apart
 * from the API (the service runs one too). Needs PG_DSN (an embedded database belongs to the
 * one process that started it). With PUBSUB_ENABLED=false it publishes nothing and events
 * wait in the outbox. SIGTERM/SIGINT finish the batch in progress and exit 0.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ path: configPathFromArgv(process.argv.slice(2)) });
    if (!config.postgres.dsn) throw new ConfigError(["PG_DSN is required for the stand-alone relay"]);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = pino({ name: `${config.app.name}-relay`, level: config.app.logLevel, base: { service: config.app.name, version: config.app.version } });
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));

  // Until the relay runs, a signal has nothing to finish: exit at once.
  let stop: () => Promise<void> = async () => undefined;
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  // The relay's lease table comes with a migration: apply what is pending (safe alongside
  // replicas of the service, which migrate under the same advisory lock).
  await migrate({ dsn: config.postgres.dsn, log: log.child({ component: "migrator" }) });
  if (!config.pubsub.enabled) {
    log.warn("PUBSUB_ENABLED is false: the relay stays idle and events wait in the outbox");
    setInterval(() => undefined, 1 << 30); // stay up until a signal, like an enabled relay
    return;
  }
  const relay = startOutboxRelay({ dsn: config.postgres.dsn, appName: config.app.name, pubsub: config.pubsub, notifications: config.notifications, log });
  stop = relay.stop;
}

main().catch((err: unknown) => {
  process.stderr.write(`relay failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

import { pino } from "pino";
import { ConfigError, configPathFromArgv, loadConfig } from "../config/config.js";
import { startService } from "./service.js";

/**
 * `npm start`: SpaceT in one process. With no PG_DSN it runs an embedded PostgreSQL in
 * PG_DATA_DIR. SIGTERM/SIGINT drain gracefully and exit 0.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ path: configPathFromArgv(process.argv.slice(2)) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = pino({ name: config.app.name, level: config.app.logLevel, base: { service: config.app.name, version: config.app.version } });
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));

  const service = await startService(config, log);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    log.info({ signal }, "shutting down");
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  try {
    await service.ready;
  } catch (err) {
    log.fatal({ err }, "startup failed");
    await service.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();

import { type Logger, pino } from "pino";
import { type Config, ConfigError, configPathFromArgv, loadConfig } from "../../config/config.js";

/**
 * Loads the configuration named by `--config` (or the default); on problems prints them all and
 * exits 2. `check` adds a command's own requirements; `serving` marks the API server (see
 * LoadConfigOptions).
 */
export function loadConfigOrExit(opts: { argv?: readonly string[]; check?: (c: Config) => string[]; serving?: boolean } = {}): Config {
  try {
    const config = loadConfig({ path: configPathFromArgv(opts.argv ?? process.argv.slice(2)), serving: opts.serving });
    const problems = opts.check?.(config) ?? [];
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
}

const REDACTED = [
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "accessToken",
  "*.accessToken",
];

/** The process's one root logger; components take `log.child({ component })`. */
export function createRootLogger(config: Config, name = config.app.name): Logger {
  const log = pino({
    name,
    level: config.app.logLevel,
    base: { service: config.app.name, version: config.app.version },
    // Nothing logs requests or credentials today; should an object carrying them ever reach a
    // log call (an error's request, a debug dump), these never reach the output.
    redact: { paths: REDACTED, censor: "[redacted]" },
  });
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
  return log;
}

/**
 * SIGTERM/SIGINT run `stop` once and exit 0 (1 if it fails); a second signal exits 1 at once,
 * for an operator who does not want to wait for the drain.
 */
export function exitOnSignals(log: Logger, stop: () => Promise<void>): void {
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
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
}

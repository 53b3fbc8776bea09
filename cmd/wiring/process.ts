import { createRequire } from "node:module";
import { type Logger, pino } from "pino";
import type { PrettyStream } from "pino-pretty";
import { serializeErrorSafely } from "../../pkg/safe-error/safe-error.js";
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

/**
 * The process's one root logger; components take `log.child({ component })`. Errors are logged
 * without the row data PostgreSQL puts in them (pkg/safe-error), whichever component logs them.
 * LOG_FORMAT=pretty prints one human-readable line per entry instead of JSON, synchronously, so
 * the last lines before an exit are never lost (pino-pretty is loaded only then).
 */
export function createRootLogger(config: Config, name = config.app.name): Logger {
  const options = {
    name,
    level: config.app.logLevel,
    base: { service: config.app.name, version: config.app.version },
    serializers: { err: serializeErrorSafely },
    // Nothing logs requests or credentials today; should an object carrying them ever reach a
    // log call (an error's request, a debug dump), these never reach the output.
    redact: { paths: REDACTED, censor: "[redacted]" },
  };
  const log = config.app.logFormat === "pretty" ? pino(options, prettyStream()) : pino(options);
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
  return log;
}

/**
 * One Ctrl-C can arrive twice within milliseconds: the terminal signals the whole process group,
 * and `npm start` forwards its own copy to the server it runs. A repeat within this window is
 * that same keypress, not an operator asking to skip the drain.
 */
const SAME_SIGNAL_WINDOW_MS = 1_000;

/**
 * SIGTERM/SIGINT run `stop` once and exit 0 (1 if it fails); a signal more than a second after
 * the first exits 1 at once, for an operator who does not want to wait for the drain.
 */
export function exitOnSignals(log: Logger, stop: () => Promise<void>): void {
  let firstAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (performance.now() - firstAt < SAME_SIGNAL_WINDOW_MS) {
        log.debug({ signal }, "signal repeated while shutting down (the same Ctrl-C through npm); still draining");
        return;
      }
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    firstAt = performance.now();
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

/** pino-pretty, required on demand: a JSON-logging process never loads it. */
function prettyStream(): PrettyStream {
  const pretty = createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");
  return pretty({ sync: true, singleLine: true, colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service,version,name" });
}

import { startService } from "./service.js";
import { createRootLogger, exitOnSignals, loadConfigOrExit } from "./wiring/process.js";
import { StartupError } from "./wiring/startup-error.js";

/**
 * `npm start`: SpaceT in one process. With no PG_DSN it runs an embedded PostgreSQL in
 * PG_DATA_DIR. SIGTERM/SIGINT drain gracefully and exit 0. A start that fails exits 1: with one
 * line saying what to change when the operator can fix it (a busy port), with the error otherwise.
 */
const config = loadConfigOrExit({ serving: true });
const log = createRootLogger(config);
const failed = (err: unknown): never => {
  if (err instanceof StartupError) log.fatal(err.message);
  else log.fatal({ err }, "startup failed");
  process.exit(1);
};
const service = await startService(config, log).catch(failed);
exitOnSignals(log, service.stop);
try {
  await service.ready;
} catch (err) {
  await service.stop().catch(() => undefined);
  failed(err);
}

import { startService } from "./service.js";
import { createRootLogger, exitOnSignals, loadConfigOrExit } from "./wiring/process.js";

/**
 * `npm start`: SpaceT in one process. With no PG_DSN it runs an embedded PostgreSQL in
 * PG_DATA_DIR. SIGTERM/SIGINT drain gracefully and exit 0.
 */
const config = loadConfigOrExit({ serving: true });
const log = createRootLogger(config);
const service = await startService(config, log).catch((err: unknown) => {
  log.fatal({ err }, "startup failed");
  process.exit(1);
});
exitOnSignals(log, service.stop);
try {
  await service.ready;
} catch (err) {
  log.fatal({ err }, "startup failed");
  await service.stop().catch(() => undefined);
  process.exit(1);
}

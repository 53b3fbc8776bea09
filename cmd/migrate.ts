import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "../internal/infra/postgres/embedded.js";
import { migrate } from "../internal/infra/postgres/migrator.js";
import { createRootLogger, loadConfigOrExit } from "./wiring/process.js";

/**
 * `npm run migrate`: applies pending SQL migrations and exits, e.g. as a deploy step or a
 * Kubernetes Job. The server migrates at start too; both take the same advisory lock, so they
 * can overlap safely. With no PG_DSN it migrates the embedded PostgreSQL in PG_DATA_DIR.
 * Exit codes: 0 done, 1 migration failed, 2 invalid configuration.
 */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const log = createRootLogger(config).child({ component: "migrator" });
  let embedded: EmbeddedPostgresServer | undefined;
  try {
    const dsn = config.postgres.dsn ?? (embedded = await startEmbeddedPostgres({ dataDir: config.postgres.dataDir })).dsn;
    const { applied } = await migrate({ dsn, log });
    log.info({ applied }, applied.length > 0 ? "migrations applied" : "database already up to date");
    return 0;
  } catch (err) {
    log.fatal({ err }, "migration failed");
    process.stderr.write(`migrate: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await embedded?.stop();
  }
}

process.exitCode = await main();

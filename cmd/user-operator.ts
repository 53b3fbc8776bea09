import { createGrantOperator } from "../internal/app/identity/grant-operator.js";
import { DomainError } from "../internal/domain/errors.js";
import { openDatabase } from "../internal/infra/postgres/db.js";
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "../internal/infra/postgres/embedded.js";
import { createUserRepository } from "../internal/infra/postgres/identity/user-repository.js";
import { migrate } from "../internal/infra/postgres/migrator.js";
import { createRootLogger, loadConfigOrExit } from "./wiring/process.js";

const USAGE = "usage: npm run user:operator -- <username> [--config <path>]";

/** The one positional argument, skipping `--config <path>` / `--config=<path>`. */
function usernameFromArgv(argv: readonly string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--config") i++;
    else if (!argv[i].startsWith("--config=")) positional.push(argv[i]);
  }
  return positional.length === 1 ? positional[0] : undefined;
}

/**
 * `npm run user:operator -- <username>`: stores the operator role for a registered user (their
 * next login gets an operator token). With no PG_DSN it opens the embedded PostgreSQL in
 * PG_DATA_DIR, which a running `npm start` holds: stop it first, or use PG_DSN.
 * Exit codes: 0 granted, 1 failed (no such user, database error), 2 bad usage or configuration.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const username = usernameFromArgv(argv);
  if (username === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrExit({ argv });
  const log = createRootLogger(config, `${config.app.name}-user-operator`);
  let embedded: EmbeddedPostgresServer | undefined;
  try {
    const dsn = config.postgres.dsn ?? (embedded = await startEmbeddedPostgres({ dataDir: config.postgres.dataDir })).dsn;
    await migrate({ dsn, log: log.child({ component: "migrator" }) });
    const dbh = openDatabase({ dsn, poolMax: 1, applicationName: `${config.app.name}-user-operator` });
    try {
      const user = await createGrantOperator({ users: createUserRepository(dbh.db) })(username);
      process.stdout.write(`${user.username} is now an operator (their next login carries the role)\n`);
      return 0;
    } finally {
      await dbh.close();
    }
  } catch (err) {
    if (err instanceof DomainError) process.stderr.write(`user:operator: ${err.message}\n`);
    else log.fatal({ err }, "granting the operator role failed");
    return 1;
  } finally {
    await embedded?.stop();
  }
}

process.exitCode = await main();

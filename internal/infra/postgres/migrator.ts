import pg from "pg";
import { AdvisoryLock } from "./locks.js";
import { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from "./migration-files.js";

/** The subset of a pino logger the migrator uses; pass `log.child({ component: "migrator" })`. */
export interface MigrationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type MigrateOptions = ({ readonly dsn: string } | { readonly pool: pg.Pool }) & {
  /** Folder of `NNNN_description.sql` files; defaults to this repository's `migrations/postgresql`. */
  readonly dir?: string;
  readonly log?: MigrationLogger;
  /** How long to wait for another instance's migration run before failing (default 120 s). */
  readonly lockWaitMs?: number;
};

const PG_LOCK_NOT_AVAILABLE = "55P03";

/**
 * Applies the pending SQL migrations in lexical order and returns the versions it applied.
 *
 * Strategy:
 * - The whole run holds a session-level advisory lock (`AdvisoryLock.migrations`) on ONE
 *   dedicated connection: lock, reads, every file and unlock all happen on that connection,
 *   because a session lock belongs to the connection that took it (through a pool the unlock
 *   could land on another connection and leak the lock). Replicas starting together queue on
 *   the lock; the winner migrates, the others then see nothing pending. If this process dies,
 *   the server drops the connection and with it the lock.
 * - The wait for the lock is bounded by `lock_timeout`, so a stuck holder yields a clear error.
 * - Each file runs in its own transaction together with its `schema_migrations` row, so a
 *   failing file leaves no trace and the files before it stay applied. Files must therefore
 *   not contain transaction control (nor `CREATE INDEX CONCURRENTLY`).
 * - The checksum of each applied file is stored; editing an applied file is an error, since
 *   databases that already ran it would silently differ from fresh ones. Add a new file instead.
 * - Versions recorded in the database but missing on disk only warn: during a rolling deploy or
 *   a rollback, an older replica legitimately starts against a newer schema.
 */
export async function migrate(opts: MigrateOptions): Promise<{ applied: string[] }> {
  const files = readMigrationFiles(opts.dir ?? DEFAULT_MIGRATIONS_DIR);
  const pooled = "pool" in opts ? await opts.pool.connect() : undefined;
  const own = "dsn" in opts ? new pg.Client({ connectionString: opts.dsn }) : undefined;
  const client: pg.ClientBase = pooled ?? (own as pg.Client);
  // A server-side termination must surface as a failed query here, not as an unhandled 'error'.
  const onError = () => undefined;
  client.on("error", onError);
  let locked = false;
  let broken: Error | undefined;
  try {
    await own?.connect();
    const waitMs = opts.lockWaitMs ?? 120_000;
    await client.query(`set lock_timeout = ${Math.max(1, Math.trunc(waitMs))}`);
    try {
      await client.query("select pg_advisory_lock($1)", [AdvisoryLock.migrations]);
      locked = true;
    } catch (e) {
      if ((e as { code?: string }).code !== PG_LOCK_NOT_AVAILABLE) throw e;
      throw new Error(`timed out after ${waitMs} ms waiting for the migration lock: another instance is migrating`, { cause: e });
    } finally {
      await client.query("reset lock_timeout").catch(() => undefined);
    }
    return { applied: await applyPending(client, files, opts.log) };
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    try {
      if (locked) await client.query("select pg_advisory_unlock($1)", [AdvisoryLock.migrations]);
    } catch (e) {
      // The connection is unusable; destroying it (below) ends the session and its lock.
      broken = e as Error;
    }
    client.removeListener("error", onError);
    // After any failure the pooled connection is destroyed rather than reused: its session
    // state (a half-done transaction, a lock) is not worth reasoning about.
    pooled?.release(broken);
    await own?.end().catch(() => undefined);
  }
}

async function applyPending(client: pg.ClientBase, files: MigrationFile[], log: MigrationLogger | undefined): Promise<string[]> {
  // Created under the lock: concurrent `create table if not exists` can still collide.
  await client.query(`create table if not exists schema_migrations (
    version    text primary key,
    checksum   text not null,
    applied_at timestamptz not null default now()
  )`);
  const { rows } = await client.query<{ version: string; checksum: string }>("select version, checksum from schema_migrations");
  const recorded = new Map(rows.map((r) => [r.version, r.checksum]));

  const changed = files.filter((f) => recorded.has(f.version) && recorded.get(f.version) !== f.checksum);
  if (changed.length > 0) {
    throw new Error(
      `already-applied migrations were modified: ${changed.map((f) => f.file).join(", ")}. ` +
        `Restore them and put the change in a new migration file.`,
    );
  }
  const onDisk = new Set(files.map((f) => f.version));
  const unknown = [...recorded.keys()].filter((v) => !onDisk.has(v));
  if (unknown.length > 0) log?.warn({ versions: unknown }, "database has migrations this build does not know");

  const applied: string[] = [];
  for (const file of files.filter((f) => !recorded.has(f.version))) {
    const started = performance.now();
    await client.query("begin");
    try {
      await client.query(file.sql);
      await client.query("insert into schema_migrations (version, checksum) values ($1, $2)", [file.version, file.checksum]);
      await client.query("commit");
    } catch (e) {
      await client.query("rollback").catch(() => undefined);
      throw new Error(`migration ${file.file} failed${lineOf(file.sql, e)}: ${(e as Error).message}`, { cause: e });
    }
    applied.push(file.version);
    log?.info({ version: file.version, durationMs: Math.round(performance.now() - started) }, "applied migration");
  }
  return applied;
}

/** " at line N" from a PostgreSQL error's 1-based character position, when it has one. */
function lineOf(sql: string, e: unknown): string {
  const position = Number((e as { position?: string }).position);
  return position > 0 ? ` at line ${sql.slice(0, position - 1).split("\n").length}` : "";
}

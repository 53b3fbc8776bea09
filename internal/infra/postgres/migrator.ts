import { type Kysely, sql } from "kysely";
import type { Logger } from "../../app/ports.js";
import { connectSession } from "./db.js";
import { AdvisoryLock } from "./locks.js";
import { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from "./migration-files.js";
import { isPgError, PG } from "./pg-errors.js";
import type { Database } from "./schema.js";

export type MigrateOptions = ({ readonly dsn: string } | { readonly db: Kysely<Database> }) & {
  /** Folder of `NNNN_description.sql` files; defaults to this repository's `migrations/postgresql`. */
  readonly dir?: string;
  /** Pass `log.child({ component: "migrator" })`. */
  readonly log?: Logger;
  /** How long to wait for another instance's migration run before failing (default 120 s). */
  readonly lockWaitMs?: number;
};

/**
 * Applies the pending SQL migrations in lexical order and returns the versions it applied.
 *
 * Strategy:
 * - The whole run holds a session-level advisory lock (`AdvisoryLock.migrations`) on ONE
 *   connection (its own for `dsn`, one pinned from `db`'s pool otherwise): lock, reads,
 *   every file and unlock all happen on that connection,
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
  if ("db" in opts) return opts.db.connection().execute((conn) => migrateOn(conn, files, opts));
  const session = await connectSession({ dsn: opts.dsn, applicationName: "spacet-migrator" });
  try {
    return await migrateOn(session.db, files, opts);
  } finally {
    await session.close();
  }
}

/** The whole run on one connection: lock, apply, unlock. */
async function migrateOn(conn: Kysely<Database>, files: MigrationFile[], opts: MigrateOptions): Promise<{ applied: string[] }> {
  const waitMs = Math.max(1, Math.trunc(opts.lockWaitMs ?? 120_000));
  await sql.raw(`set lock_timeout = ${waitMs}`).execute(conn);
  try {
    await sql`select pg_advisory_lock(${AdvisoryLock.migrations})`.execute(conn);
  } catch (e) {
    if (!isPgError(e, PG.lockNotAvailable)) throw e;
    throw new Error(`timed out after ${opts.lockWaitMs ?? 120_000} ms waiting for the migration lock: another instance is migrating`, { cause: e });
  } finally {
    await sql`reset lock_timeout`.execute(conn).catch(() => undefined);
  }
  try {
    return { applied: await applyPending(conn, files, opts.log) };
  } finally {
    // A pooled connection goes back without the lock. If the unlock fails the connection is
    // broken: the pool discards it, and the server ends the session and its lock with it.
    await sql`select pg_advisory_unlock(${AdvisoryLock.migrations})`.execute(conn).catch(() => undefined);
  }
}

async function applyPending(conn: Kysely<Database>, files: MigrationFile[], log: Logger | undefined): Promise<string[]> {
  // Created under the lock: concurrent `create table if not exists` can still collide.
  await sql`create table if not exists schema_migrations (
    version    text primary key,
    checksum   text not null,
    applied_at timestamptz not null default now()
  )`.execute(conn);
  const rows = await conn.selectFrom("schema_migrations").select(["version", "checksum"]).execute();
  const recorded = new Map(rows.map((r) => [r.version, r.checksum]));

  const changed = files.filter((f) => recorded.has(f.version) && recorded.get(f.version) !== f.checksum);
  if (changed.length > 0) {
    throw new Error(
      `already-applied migrations were modified: ${changed.map((f) => f.file).join(", ")}. Restore them and put the change in a new migration file.`,
    );
  }
  const onDisk = new Set(files.map((f) => f.version));
  const unknown = [...recorded.keys()].filter((v) => !onDisk.has(v));
  if (unknown.length > 0) log?.warn({ versions: unknown }, "database has migrations this build does not know");

  const applied: string[] = [];
  for (const file of files.filter((f) => !recorded.has(f.version))) {
    const started = performance.now();
    await sql`begin`.execute(conn);
    try {
      // No parameters: the simple query protocol, which runs a file of several statements.
      await sql.raw(file.sql).execute(conn);
      await conn.insertInto("schema_migrations").values({ version: file.version, checksum: file.checksum }).execute();
      await sql`commit`.execute(conn);
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
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

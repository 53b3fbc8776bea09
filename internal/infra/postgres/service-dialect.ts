import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type pg from "pg";
import { type CancelTarget, sendCancelRequest } from "./pg-cancel.js";
import { databaseFault } from "./pg-errors.js";
import { toPgQuery } from "./prepared-statements.js";

/**
 * Kysely's PostgreSQL dialect over the service's pool, with a driver that is the one door every
 * statement of the service passes through, so two rules hold for every repository, transaction
 * and session without any of them taking part:
 *
 * - **Database faults are the domain's "unavailable".** Not getting a connection at all, losing
 *   one, a read-only database, too many connections, a statement timeout: `databaseFault` turns
 *   them into DomainError("unavailable") with a retry hint. A statement's own errors (constraints,
 *   lock timeouts, serialization failures) stay as pg raised them, for repositories and the unit
 *   of work to interpret.
 * - **`signal` is obeyed**, when given (a request's: see `withSignal` in db.ts): waiting for a
 *   pool connection stops at once; a statement in flight is cancelled with a CancelRequest (a
 *   lock wait ends now, not at lock_timeout); no statement is sent after the signal fired, and
 *   neither is COMMIT, so an abandoned transaction always rolls back. The caller gets the
 *   signal's reason.
 *
 * A text registered with `preparedStatement` goes out as a named prepared statement
 * (prepared-statements.ts); everything else as an unnamed one.
 */
export function createServiceDialect(pool: pg.Pool, signal?: AbortSignal): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new ServiceDriver(pool, signal),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class ServiceDriver implements Driver {
  constructor(
    private readonly pool: pg.Pool,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const { signal } = this;
    try {
      return new ServiceConnection(await connect(this.pool, signal), signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw databaseFault(e, "connecting") ?? e;
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const mode = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(" ");
    await connection.executeQuery(CompiledQuery.raw(mode ? `start transaction ${mode}` : "begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as ServiceConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as ServiceConnection).rollback();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as ServiceConnection).release();
  }

  async destroy(): Promise<void> {
    // A signal-bound view shares the pool of the instance it was made from; only that one ends it.
    if (!this.signal && !this.pool.ended) await this.pool.end();
  }
}

/** A pool connection, or the signal's reason as soon as it fires (a connection that comes later goes straight back). */
function connect(pool: pg.Pool, signal: AbortSignal | undefined): Promise<pg.PoolClient> {
  if (!signal) return pool.connect();
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const pending = pool.connect();
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (client) => {
        signal.removeEventListener("abort", onAbort);
        // Nobody waits for it any more: straight back to the pool, for the next caller.
        if (signal.aborted) client.release();
        else resolve(client);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

const AFFECTS_ROWS = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

class ServiceConnection implements DatabaseConnection {
  /** A CancelRequest was sent for this session: it goes back to the server closed, never to the pool. */
  private cancelled = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.signal?.aborted) throw this.signal.reason;
    return this.run<R>(query.sql, query.parameters, true);
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered (no cursor module); Kysely only calls this for .stream()
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming queries are not supported by the service's database driver");
  }

  /** COMMIT, unless the signal fired: then the transaction must not commit, and the caller rolls back. */
  async commit(): Promise<void> {
    if (this.signal?.aborted) throw this.signal.reason;
    // Once COMMIT is sent it is not cancelled: the outcome would be unknowable.
    await this.run("commit", [], false);
  }

  /** ROLLBACK, also after the signal fired: it is what releases the transaction's locks. */
  async rollback(): Promise<void> {
    await this.run("rollback", [], false);
  }

  release(): void {
    // A CancelRequest travels on its own socket and may reach the server after this session
    // moved on to another request's statement; a discarded session cannot be hit by it.
    this.client.release(this.cancelled);
  }

  private async run<R>(sql: string, parameters: readonly unknown[], cancellable: boolean): Promise<QueryResult<R>> {
    const onAbort = () => {
      this.cancelled = true;
      void sendCancelRequest(this.client as unknown as CancelTarget);
    };
    if (cancellable) this.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const { command, rowCount, rows } = await this.client.query(toPgQuery(sql, parameters));
      return { numAffectedRows: AFFECTS_ROWS.has(command) ? BigInt(rowCount ?? 0) : undefined, rows: (rows ?? []) as R[] };
    } catch (e) {
      if (cancellable && this.signal?.aborted) throw this.signal.reason;
      throw databaseFault(e, "querying") ?? e;
    } finally {
      if (cancellable) this.signal?.removeEventListener("abort", onAbort);
    }
  }
}

import { Kysely, PostgresDialect, type PostgresPoolClient } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { createServiceDialect } from "./service-dialect.js";

const DATE_OID = 1082;
const INT8_OID = 20;

/**
 * pg parses `date` into a JS Date at local midnight, which shifts calendar dates with the
 * process's zone; a launch day must stay exactly the text Postgres holds. int8 stays text so
 * sequence values never lose precision.
 */
const asText = (value: string) => value;
const types = {
  // Asked for every column of every result: no allocation here.
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === DATE_OID || oid === INT8_OID) return asText;
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
  },
} as pg.CustomTypesConfig;

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  /** Closes the pool (waits for checked-out clients to be released). */
  close(): Promise<void>;
}

/** Each Kysely openDatabase made, with its pool: what `withSignal` needs to make a view of it. */
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/**
 * `db` with every statement obeying `signal` (service-dialect.ts): a view over the same pool,
 * made per call (a few microseconds). Only instances from openDatabase have one; any other
 * `db`, or no signal, comes back as it is.
 */
export function withSignal(db: Kysely<Database>, signal: AbortSignal | undefined): Kysely<Database> {
  const pool = signal && pools.get(db);
  return pool ? new Kysely<Database>({ dialect: createServiceDialect(pool, signal) }) : db;
}

/**
 * Opens a pool and a Kysely instance over it whose every statement classifies database faults
 * (service-dialect.ts); `withSignal` gives a request its abortable view of it.
 */
export function openDatabase(opts: { dsn: string; poolMax: number; applicationName?: string; onError?: (err: Error) => void }): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: opts.dsn,
    max: opts.poolMax,
    application_name: opts.applicationName ?? "spacet",
    types,
    // Every session runs in UTC so no SQL can depend on a server's or client's local zone, and
    // lock waits are bounded so a stuck holder turns into a clear error, not a hung request
    // (set per connection: a per-transaction SET would cost every booking a round trip).
    options: "-c TimeZone=UTC -c lock_timeout=5s",
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A client can be terminated by the server (restart, failover, drop database). pg emits that
  // as an 'error' event: on the pool for an idle client, on the client itself while it is
  // checked out or being closed. Unheard, either crashes the process; the query in flight
  // still fails on its own, so listening here loses nothing.
  pool.on("error", (err) => opts.onError?.(err));
  pool.on("connect", (client) => client.on("error", (err) => opts.onError?.(err)));
  const db = new Kysely<Database>({ dialect: createServiceDialect(pool) });
  pools.set(db, pool);
  return {
    db,
    pool,
    // Kysely ends the pool only if it ever used it; a handle used through `pool` alone must
    // still close, or the process waits for idle clients to time out.
    async close() {
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}

/** Kysely over ONE dedicated connection, for a session that must stay one (an advisory lock). */
export interface SessionHandle {
  readonly db: Kysely<Database>;
  /** Ends the connection and waits until its socket is closed, so the server ends the session. */
  close(): Promise<void>;
}

/**
 * Connects one session outside any pool, for callers that need a connection of their own that
 * is really gone when they are done (a database used as `create database … template` must
 * have no sessions left). Statements must be issued one at a time, as a session runs them.
 */
export async function connectSession(opts: { dsn: string; applicationName?: string }): Promise<SessionHandle> {
  const client = new pg.Client({ connectionString: opts.dsn, application_name: opts.applicationName ?? "spacet", types });
  // A server-side termination must surface as a failed query, not as an unhandled 'error'.
  client.on("error", () => undefined);
  await client.connect();
  const session = { query: client.query.bind(client), release: () => undefined } as unknown as PostgresPoolClient;
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => session, end: async () => undefined } }) });
  return {
    db,
    close: () => client.end().catch(() => undefined),
  };
}

import { createHash } from "node:crypto";
import { Kysely, type PostgresPool, type PostgresPoolClient, PostgresDialect } from "kysely";
import type pg from "pg";
import { backoffDelay } from "../../../pkg/backoff/backoff.js";
import type { Logger } from "../../app/ports.js";
import { openDedicatedConnection } from "../postgres/dedicated-connection.js";
import type { Database } from "../postgres/schema.js";

/** The channel migrations/postgresql/0002_outbox.sql notifies after every outbox insert. */
const OUTBOX_CHANNEL = "spacet_outbox";

/** Reconnection backoff: 100 ms doubling to 5 s, with jitter. */
const RECONNECT = { firstMs: 100, maxMs: 5_000 };

export interface RelaySession {
  /**
   * Kysely over the session's one connection: statements run one at a time, in call order; a
   * statement rejects at once while disconnected, and if the connection is lost before its turn.
   */
  readonly db: Kysely<Database>;
  /** Ends the session (and with it every lease it holds) and stops reconnecting. */
  close(): Promise<void>;
}

/**
 * One dedicated PostgreSQL connection per relay, for two reasons:
 * - it LISTENs on the outbox channel, so a commit wakes the relay within milliseconds;
 * - the relay's leases record its backend (`owner_pid`), so they die with it: a killed relay
 *   frees its aggregates as soon as the server notices the socket.
 *
 * On any failed statement or connection error the connection is dropped and a new one made,
 * with exponential backoff. Dropping on every error is deliberate: a new backend pid instantly
 * frees the leases of the failed pass instead of leaving them to expire. `onConnected` runs
 * after each (re)connection, because notifications sent while disconnected are lost and the
 * relay must look for work. Needs a session-level connection (not a transaction pooler).
 */
export function openRelaySession(opts: { dsn: string; applicationName: string; onNotify: () => void; onConnected: () => void; log: Logger }): RelaySession {
  let queue: Promise<void> = Promise.resolve();
  const connection = openDedicatedConnection({
    dsn: opts.dsn,
    applicationName: opts.applicationName,
    // UTC like the pool; statements are short, so a stuck one is cut rather than waited on.
    // No waiting for the WAL flush at commit: a relay write lost in a server crash costs at
    // most a re-publish (a mark), an early retry (a backoff) or nothing (a lease, which dies
    // with the session anyway); delivery stays at least once, and a pass saves two flushes.
    options: "-c TimeZone=UTC -c statement_timeout=30000 -c synchronous_commit=off",
    setUp: (c) => c.query(`listen ${OUTBOX_CHANNEL}`),
    onNotification: () => opts.onNotify(),
    onConnected: opts.onConnected,
    reconnectDelayMs: (failures) => backoffDelay(failures, RECONNECT),
    name: "outbox session",
    log: opts.log,
  });
  const drop = connection.drop;

  /**
   * Kysely's pool, handing out the session's one connection in turns: the relay's passes share
   * the session, and a connection runs one statement at a time, so they queue here (pg 9 no
   * longer queues for us). A turn queued on a connection that was lost meanwhile fails like the
   * statements in flight on it did, rather than running on the next connection, which does not
   * hold the leases of the pass behind it.
   */
  const pool: PostgresPool = {
    connect() {
      const c = connection.current();
      if (!c) return Promise.reject(new Error("the outbox session is not connected"));
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      const turn = queue.then(() => {
        if (connection.current() !== c) {
          release();
          throw new Error("the outbox session was lost");
        }
        return sessionClient(c, release, drop);
      });
      queue = queue.then(() => done);
      return turn;
    },
    end: async () => undefined,
  };

  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    close: () => connection.close(),
  };
}

/** One turn on the session's connection; a failed statement drops the connection. */
function sessionClient(c: pg.Client, release: () => void, drop: (c: pg.Client, err: unknown) => void): PostgresPoolClient {
  return {
    async query<R>(text: string, values: readonly unknown[]) {
      try {
        // Named, so the server plans each of the relay's few statements once per session.
        return await c.query<R & pg.QueryResultRow>({ name: statementName(text), text, values: [...values] });
      } catch (err) {
        drop(c, err);
        throw err;
      }
    },
    release,
  } as unknown as PostgresPoolClient;
}

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `outbox_relay_${createHash("sha1").update(text).digest("hex").slice(0, 12)}`;
    names.set(text, name);
  }
  return name;
}

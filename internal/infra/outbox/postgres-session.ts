import { createHash } from "node:crypto";
import pg from "pg";
import type { RunQuery } from "./postgres-store.js";

/** The channel migrations/postgresql/0002_outbox.sql notifies after every outbox insert. */
export const OUTBOX_CHANNEL = "spacet_outbox";

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** The subset of a pino logger the session uses. */
export interface SessionLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RelaySession {
  /**
   * Runs one statement on the session, after the ones queued before it; rejects at once while
   * disconnected, and if the connection is lost before its turn.
   */
  readonly run: RunQuery;
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
export function openRelaySession(opts: {
  dsn: string;
  applicationName: string;
  onNotify: () => void;
  onConnected: () => void;
  log: SessionLogger;
}): RelaySession {
  let client: pg.Client | undefined;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let delay = RECONNECT_FIRST_MS;
  let connecting: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const drop = (c: pg.Client, err: unknown) => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners("notification");
    void c.end().catch(() => undefined);
    if (closed) return;
    opts.log.warn({ err, retryInMs: delay }, "outbox session lost; reconnecting");
    schedule();
  };

  const schedule = () => {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  const connect = () =>
    (connecting ??= (async () => {
      const c = new pg.Client({
        connectionString: opts.dsn,
        application_name: opts.applicationName,
        // UTC like the pool; statements are short, so a stuck one is cut rather than waited on.
        // No waiting for the WAL flush at commit: a relay write lost in a server crash costs at
        // most a re-publish (a mark), an early retry (a backoff) or nothing (a lease, which dies
        // with the session anyway); delivery stays at least once, and a pass saves two flushes.
        options: "-c TimeZone=UTC -c statement_timeout=30000 -c synchronous_commit=off",
        keepAlive: true,
      });
      c.on("error", (err) => drop(c, err));
      c.on("end", () => drop(c, new Error("connection ended")));
      c.on("notification", () => opts.onNotify());
      try {
        await c.connect();
        await c.query(`listen ${OUTBOX_CHANNEL}`);
      } catch (err) {
        c.removeAllListeners("end");
        void c.end().catch(() => undefined);
        if (!closed) {
          opts.log.warn({ err, retryInMs: delay }, "outbox session cannot connect; retrying");
          schedule();
        }
        return;
      }
      if (closed) return void (await c.end().catch(() => undefined));
      client = c;
      delay = RECONNECT_FIRST_MS;
      opts.onConnected();
    })().finally(() => (connecting = undefined)));

  void connect();

  return {
    run<R>(text: string, values: readonly unknown[]) {
      const c = client;
      if (!c) return Promise.reject(new Error("the outbox session is not connected"));
      // The relay's passes share the session, and a connection runs one statement at a time:
      // they queue here (pg 9 no longer queues for us). A statement queued on a connection
      // that was lost meanwhile fails like the statements in flight on it did, rather than
      // running on the next connection, which does not hold the leases of the pass behind it.
      const turn = queue.then(async () => {
        if (client !== c) throw new Error("the outbox session was lost");
        try {
          // Named, so the server plans each of the relay's few statements once per session.
          const result = await c.query({ name: statementName(text), text, values: values as unknown[] });
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        } catch (err) {
          drop(c, err);
          throw err;
        }
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      await connecting;
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners("end");
        await c.end().catch(() => undefined);
      }
    },
  };
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

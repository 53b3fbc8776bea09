import pg from "pg";
import { unlessStopping } from "../../../pkg/unless-stopping/unless-stopping.js";
import type { Logger } from "../../app/ports.js";

/** One PostgreSQL session of its own that comes back after it is lost. */
export interface DedicatedConnection {
  /** The connected client; undefined while (re)connecting or after close. */
  current(): pg.Client | undefined;
  /** Gives up `client` after a failure on it (a no-op if it is not the current one) and reconnects. */
  drop(client: pg.Client, err: unknown): void;
  /** Ends the session and stops reconnecting. */
  close(): Promise<void>;
}

/**
 * A dedicated connection, outside the pool, for what needs a session of its own: a LISTEN (a
 * pooled connection goes back to the pool and its LISTEN with it), or state tied to the backend
 * (the relay's leases record its pid). Named `applicationName` in pg_stat_activity, with TCP
 * keep-alive so a dead peer is found on a silent connection. After every error or end it makes
 * a new connection after `reconnectDelayMs(failures in a row)`, runs `setUp` on it (LISTEN …),
 * then `onConnected`: whatever was sent while no session listened is lost, so the owner looks
 * again. Needs a session-level connection (not a transaction pooler).
 */
export function openDedicatedConnection(opts: {
  dsn: string;
  applicationName: string;
  /** Server settings for the session (`-c name=value …`). */
  options?: string;
  setUp: (client: pg.Client) => Promise<unknown>;
  onNotification?: (message: pg.Notification) => void;
  onConnected: () => void;
  reconnectDelayMs: (failures: number) => number;
  /** What the log calls it ("outbox session"). */
  name: string;
  log: Logger;
  /**
   * Whether the process began to stop: a connection lost then (Ctrl-C also stops an embedded
   * PostgreSQL at once) is expected and logged at debug instead of warn, as is one lost once
   * `close()` was called.
   */
  stopping?: () => boolean;
}): DedicatedConnection {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  const retry = (err: unknown, msg: string) => {
    if (closed) return;
    const retryInMs = opts.reconnectDelayMs(++failures);
    // A loss the owner's stop explains (closed by now, or the process stopping) is expected.
    unlessStopping(
      () => closed || (opts.stopping?.() ?? false),
      () => opts.log.warn({ err, retryInMs }, `${opts.name} ${msg}`),
      () => opts.log.debug({ err, retryInMs }, `${opts.name} ${msg}`),
    );
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), retryInMs);
  };

  const drop = (c: pg.Client, err: unknown) => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners("notification");
    void c.end().catch(() => undefined);
    retry(err, "lost; reconnecting");
  };

  const connect = () =>
    (connecting ??= (async () => {
      const c = new pg.Client({ connectionString: opts.dsn, application_name: opts.applicationName, options: opts.options, keepAlive: true });
      c.on("error", (err) => drop(c, err));
      c.on("end", () => drop(c, new Error("connection ended")));
      if (opts.onNotification) c.on("notification", opts.onNotification);
      try {
        await c.connect();
        await opts.setUp(c);
      } catch (err) {
        c.removeAllListeners("end");
        void c.end().catch(() => undefined);
        retry(err, "cannot connect; retrying");
        return;
      }
      if (closed) return void (await c.end().catch(() => undefined));
      client = c;
      if (failures > 0) opts.log.info({ failures }, `${opts.name} reconnected`);
      failures = 0;
      opts.onConnected();
    })().finally(() => (connecting = undefined)));

  void connect();

  return {
    current: () => client,
    drop,
    async close() {
      closed = true;
      clearTimeout(timer);
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

import pg from "pg";
import type { FlightChangeFeed } from "../../../app/flight/ports.js";
import type { Logger } from "../../../app/ports.js";
import { FLIGHT_CHANGES_CHANNEL, parseFlightChange } from "./flight-change-channel.js";

/**
 * The replica's one LISTEN connection for flight changes: a dedicated client, not one of the
 * pool (a pooled connection goes back to the pool and its LISTEN with it), named
 * `applicationName` in pg_stat_activity. When it is lost (the server restarts, a network cut,
 * pg_terminate_backend) it reconnects after `reconnectDelayMs(failures)` and then calls
 * `resync`: notifications sent while no one listened are gone, so every watched flight is read
 * again. TCP keep-alive finds a dead peer on an otherwise silent connection.
 */
export function createFlightChangeListener(opts: {
  dsn: string;
  applicationName: string;
  reconnectDelayMs: (failures: number) => number;
  log: Logger;
}): FlightChangeFeed {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;
  let handlers: Parameters<FlightChangeFeed["start"]>[0] | undefined;

  const retry = (err: unknown, msg: string) => {
    if (closed) return;
    const delay = opts.reconnectDelayMs(++failures);
    opts.log.warn({ err, retryInMs: delay }, msg);
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), delay);
  };

  const drop = (c: pg.Client, err: unknown) => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners("notification");
    void c.end().catch(() => undefined);
    retry(err, "flight change listener lost its connection; reconnecting");
  };

  const connect = () =>
    (connecting ??= (async () => {
      const c = new pg.Client({ connectionString: opts.dsn, application_name: opts.applicationName, keepAlive: true });
      c.on("error", (err) => drop(c, err));
      c.on("end", () => drop(c, new Error("connection ended")));
      c.on("notification", (n) => {
        const change = n.channel === FLIGHT_CHANGES_CHANNEL ? parseFlightChange(n.payload) : undefined;
        if (change) handlers?.changed(change.flightId, change.version);
      });
      try {
        await c.connect();
        await c.query(`listen ${FLIGHT_CHANGES_CHANNEL}`);
      } catch (err) {
        c.removeAllListeners("end");
        void c.end().catch(() => undefined);
        retry(err, "flight change listener cannot connect; retrying");
        return;
      }
      if (closed) return void (await c.end().catch(() => undefined));
      client = c;
      if (failures > 0) opts.log.info({ failures }, "flight change listener reconnected; reading every watched flight again");
      failures = 0;
      // Also on the first connection: a watch that started before it read its flight already, but
      // a change made between that read and the LISTEN would otherwise wait for the next one.
      handlers?.resync();
    })().finally(() => (connecting = undefined)));

  return {
    start(h) {
      handlers = h;
      void connect();
    },
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

import pg from "pg";
import { backoffDelay } from "../../../pkg/backoff/backoff.js";
import { unlessStopping } from "../../../pkg/unless-stopping/unless-stopping.js";
import type { Logger } from "../../app/ports.js";

/** Reconnection backoff: 100 ms doubling to 5 s, with jitter. */
const RECONNECT = { firstMs: 100, maxMs: 5_000 };

/**
 * One dedicated connection LISTENing on `channel`, reconnecting with backoff when it is lost.
 * `onWake` runs on every notification and after every (re)connection, since notifications sent
 * while disconnected are lost and the listener's owner must then look for work itself.
 */
export function listenOnChannel(opts: {
  dsn: string;
  applicationName: string;
  channel: string;
  onWake: () => void;
  log: Logger;
  /** Whether the process began to stop: a lost connection then is logged at debug, not warn. */
  stopping?: () => boolean;
}): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const retry = (err: unknown) => {
    if (closed) return;
    const delay = backoffDelay(++failures, RECONNECT);
    unlessStopping(
      () => closed || (opts.stopping?.() ?? false),
      () => opts.log.warn({ err, retryInMs: delay }, "listen connection lost; reconnecting"),
      () => opts.log.debug({ err, retryInMs: delay }, "listen connection lost; reconnecting"),
    );
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: opts.dsn, application_name: opts.applicationName, keepAlive: true });
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      retry(err);
    };
    c.on("error", fail);
    c.on("end", () => fail(new Error("connection ended")));
    c.on("notification", () => opts.onWake());
    try {
      await c.connect();
      await c.query(`listen ${opts.channel}`);
    } catch (err) {
      return fail(err);
    }
    if (closed) {
      c.removeAllListeners("end");
      return void (await c.end().catch(() => undefined));
    }
    client = c;
    failures = 0;
    opts.onWake();
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners("end");
        await c.end().catch(() => undefined);
      }
    },
  };
}

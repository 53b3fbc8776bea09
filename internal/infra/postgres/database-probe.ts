import pg from "pg";
import { isDatabaseUnavailable } from "./pg-errors.js";

/** How long one probe may take to connect or to answer. */
const PROBE_TIMEOUT_MS = 2_000;

/** A readiness check of the database: resolves when it takes writes, rejects with the reason otherwise. */
export interface DatabaseProbe {
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Checks that the database answers and accepts writes, on a connection of its own: a pool whose
 * every connection waits on a lock is busy, not broken, and must not take the pod out of
 * rotation. "Accepts writes" matters after a failover: the old primary, now a standby
 * (`pg_is_in_recovery()`) or set read-only, still answers `select 1` while every booking fails.
 * A connection the server ended is replaced once at once, so a restart reads as one blip.
 */
export function createDatabaseProbe(opts: { dsn: string; applicationName: string }): DatabaseProbe {
  let client: pg.Client | undefined;

  const drop = () => {
    void client?.end().catch(() => undefined);
    client = undefined;
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: opts.dsn,
      application_name: opts.applicationName,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      query_timeout: PROBE_TIMEOUT_MS,
    });
    // A server-side termination while idle: forget the client, the next check connects anew.
    c.on("error", () => {
      if (client === c) client = undefined;
    });
    await c.connect();
    return c;
  };

  const probe = async (): Promise<void> => {
    client ??= await connect();
    const { rows } = await client.query<{ in_recovery: boolean; read_only: string }>(
      "select pg_is_in_recovery() as in_recovery, current_setting('transaction_read_only') as read_only",
    );
    if (rows[0].in_recovery || rows[0].read_only === "on") throw new Error("the database accepts no writes (read-only or in recovery)");
  };

  return {
    async check() {
      try {
        await probe();
      } catch (e) {
        drop();
        if (!isDatabaseUnavailable(e)) throw e;
        await probe().catch((again: unknown) => {
          drop();
          throw again;
        });
      }
    },
    async close() {
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

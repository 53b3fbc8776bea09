import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

/** SQL text → name, for the statements sent as named prepared statements. */
const names = new Map<string, string>();

/**
 * Marks a fixed SQL text as a named prepared statement: each connection parses and plans it
 * the first time and afterwards only binds and executes it, which saves the server that work on
 * every call of a hot statement (a booking is one call of create_booking). Returns the text,
 * for `CompiledQuery.raw`. Only for statements whose result columns stay fixed: a connection
 * keeps its prepared statement until it closes.
 */
export function preparedStatement(name: string, text: string): string {
  names.set(text, name);
  return text;
}

/**
 * `pool` as Kysely's dialect sees it, sending registered texts as named statements (pg
 * prepares a name once per connection) and everything else as before.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((sqlOrCursor: string | pg.Submittable, parameters?: unknown[]) => {
      if (typeof sqlOrCursor !== "string") return client.query(sqlOrCursor);
      const name = names.get(sqlOrCursor);
      return name ? client.query({ name, text: sqlOrCursor, values: parameters }) : client.query(sqlOrCursor, parameters);
    }) as unknown as PostgresPoolClient["query"],
    release: () => client.release(),
  });
  return {
    async connect() {
      const client = await pool.connect();
      let c = wrapped.get(client);
      if (!c) wrapped.set(client, (c = wrap(client)));
      return c;
    },
    end: () => pool.end(),
  };
}

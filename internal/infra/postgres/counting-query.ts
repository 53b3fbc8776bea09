import type pg from "pg";

/** The one method the sync's SQL needs; a pool, a client and a CountingQuery all have it. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

/** A Queryable that counts the round trips it made. */
export interface CountingQuery extends Queryable {
  readonly count: number;
}

/**
 * Wraps one pinned connection and counts every query sent on it. The sync promises a constant
 * number of round trips however many bookings it cancels; the count makes that observable in
 * logs and in the bench instead of a claim in a comment.
 */
export function countingQuery(client: pg.ClientBase): CountingQuery {
  let count = 0;
  return {
    get count() {
      return count;
    },
    query<R extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) {
      count++;
      return client.query<R>(text, values as unknown[] | undefined);
    },
  };
}

import { AsyncLocalStorage } from "node:async_hooks";
import type { KyselyPlugin } from "kysely";

/**
 * Counts the SQL statements (round trips) a call sends through a Kysely instance: a diagnostic
 * for logs and the bench, so a promise such as "the SpaceX sync takes a constant number of
 * round trips, whatever the number of bookings" is observable instead of a claim in a comment.
 * It lives here, not in the app's ports: use cases neither know nor report it.
 */
export interface StatementCounter {
  /** Counts what goes through an instance: `db.withPlugin(counter.plugin)`. */
  readonly plugin: KyselyPlugin;
  /** Runs fn and reports the statements it sent (an enclosing `count` sees them too). */
  count<T>(fn: () => Promise<T>): Promise<{ readonly value: T; readonly statements: number }>;
}

interface Tally {
  statements: number;
  readonly outer: Tally | undefined;
}

/**
 * The count follows the async call (AsyncLocalStorage), not the instance: calls running at
 * the same time through one instance, such as a scheduled sync and an operator's RunSync,
 * each get their own.
 */
export function createStatementCounter(): StatementCounter {
  const scope = new AsyncLocalStorage<Tally>();
  return {
    plugin: {
      transformQuery({ node }) {
        for (let tally = scope.getStore(); tally; tally = tally.outer) tally.statements++;
        return node;
      },
      async transformResult({ result }) {
        return result;
      },
    },
    async count(fn) {
      const tally: Tally = { statements: 0, outer: scope.getStore() };
      const value = await scope.run(tally, fn);
      return { value, statements: tally.statements };
    },
  };
}

import type { Kysely, RawBuilder } from "kysely";
import type { Logger } from "../../app/ports.js";
import type { Database } from "./schema.js";

/** What every retention job takes. */
export interface RetentionOptions {
  readonly db: Kysely<Database>;
  /** Rows older than this (by the job's own clock column) go. */
  readonly retentionMs: number;
  readonly log: Logger;
  /** Rows per DELETE (default 1,000). */
  readonly batchSize?: number;
  /** DELETEs per run at most (default 20): a large backlog of expired rows drains over several runs. */
  readonly maxBatches?: number;
}

/** One bounded DELETE of at most `limit` rows older than `retentionMs`, oldest first. */
export type DeleteExpiredBatch = (retentionMs: number, limit: number) => RawBuilder<unknown>;

/**
 * A retention job: runs `deleteBatch` until a batch deletes fewer than `batchSize` rows,
 * `maxBatches` ran or `signal` fired (checked between batches), logs how many went with `logMessage`,
 * and returns the count. Each batch is its own statement, so retention never holds locks on a
 * large range or bloats one transaction. Any number of replicas may run it at once: they delete
 * the same expired rows, and a row another one deleted first is simply not deleted twice. A
 * failure rejects (the scheduler logs it and the next run starts over).
 */
export function createRetention(opts: RetentionOptions, deleteBatch: DeleteExpiredBatch, logMessage: string): (signal?: AbortSignal) => Promise<number> {
  const batchSize = opts.batchSize ?? 1_000;
  const maxBatches = opts.maxBatches ?? 20;
  return async (signal) => {
    let total = 0;
    for (let i = 0; i < maxBatches && !signal?.aborted; i++) {
      const n = Number((await deleteBatch(opts.retentionMs, batchSize).execute(opts.db)).numAffectedRows ?? 0);
      total += n;
      if (n < batchSize) break;
    }
    if (total > 0) opts.log.info({ deleted: total }, logMessage);
    return total;
  };
}

import type { SeatCoordinator, SeatDecision, SeatRequest } from "../../../app/flight/ports.js";
import { DomainError } from "../../../domain/errors.js";
import type { SeatStatement } from "./seat-statement.js";

interface Waiting {
  readonly request: SeatRequest;
  resolve(decision: SeatDecision): void;
  reject(error: unknown): void;
}

/** The calls for one flight on this replica: at most one batch in flight, the rest queued. */
interface Lane {
  readonly queue: Waiting[];
}

/** How long a caller refused for a full queue should wait before retrying. */
const QUEUE_FULL_RETRY_MS = 1_000;

/**
 * The coordinator with batching on one replica (group commit for a hot row, the way
 * TigerBeetle batches transfers and PolarDB groups hot-row updates): concurrent bookings of one
 * flight queue in process, in arrival order; while a batch for the flight is in the database,
 * new calls wait and go together into the next batch (up to `maxBatch`). A lone call goes at
 * once, so batching adds no delay; under load one lock wait and one commit serve many bookings.
 *
 * It is also the per-flight limit the pool needs: at most one statement per flight per replica
 * holds a connection, so a hot flight cannot take the whole pool, and at most `maxQueue` calls
 * wait per flight (beyond that RESOURCE_EXHAUSTED with a retry delay). Correctness does not
 * rest on this process: the database statement decides every request, and replicas serialize
 * on the flight's row lock.
 */
export function createBatchingSeatCoordinator(opts: { statement: SeatStatement; maxBatch: number; maxQueue: number }): SeatCoordinator {
  const lanes = new Map<string, Lane>();

  /** Each request's answer: a decision, or the error to reject it with. */
  type Answer = { readonly decision: SeatDecision } | { readonly error: unknown };

  /** Runs a batch; a failure that may be one request's fault is retried request by request. */
  const runBatch = async (flightId: string, batch: readonly Waiting[]): Promise<Answer[]> => {
    try {
      const decisions = await opts.statement.book(
        flightId,
        batch.map((w) => w.request),
      );
      return decisions.map((decision) => ({ decision }));
    } catch (error) {
      // A busy flight or a lost database fails every request alike. Anything else aborted the
      // whole statement (nothing was written) and may be one request's fault (a user the
      // database does not know): run the requests alone so only the bad one fails.
      if (batch.length === 1 || (error instanceof DomainError && error.kind === "unavailable")) return batch.map(() => ({ error }));
      const answers: Answer[] = [];
      for (const w of batch) answers.push(...(await runBatch(flightId, [w])));
      return answers;
    }
  };

  const drain = async (flightId: string, lane: Lane): Promise<void> => {
    let batch = lane.queue.splice(0, opts.maxBatch);
    let running = runBatch(flightId, batch);
    while (batch.length > 0) {
      const answers = await running;
      // The next batch goes to the database before this one's callers are answered: the row
      // lock is the bottleneck, so it must not wait while responses are encoded and written.
      const next = lane.queue.splice(0, opts.maxBatch);
      if (next.length > 0) running = runBatch(flightId, next);
      batch.forEach((w, i) => {
        const answer = answers[i];
        if ("decision" in answer) w.resolve(answer.decision);
        else w.reject(answer.error);
      });
      batch = next;
    }
    lanes.delete(flightId);
  };

  return {
    book(request, call) {
      const signal = call?.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      let lane = lanes.get(request.flightId);
      const idle = lane === undefined;
      if (!lane) {
        lane = { queue: [] };
        lanes.set(request.flightId, lane);
      } else if (lane.queue.length >= opts.maxQueue) {
        return Promise.reject(
          new DomainError("exhausted", "FLIGHT_BOOKING_QUEUE_FULL", "too many bookings are waiting on this flight; retry shortly", {
            retryAfterMs: QUEUE_FULL_RETRY_MS,
            metadata: { flight_id: request.flightId },
          }),
        );
      }
      const queue = lane.queue;
      const decided = new Promise<SeatDecision>((resolve, reject) => {
        // A caller that goes away while its request still waits takes it back; once the request
        // is in a statement with others, its decision stands (and commits) whatever the caller does.
        const withdraw = () => {
          const at = queue.indexOf(waiting);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(signal?.reason);
        };
        const waiting: Waiting = {
          request,
          resolve: (decision) => {
            signal?.removeEventListener("abort", withdraw);
            resolve(decision);
          },
          reject: (error) => {
            signal?.removeEventListener("abort", withdraw);
            reject(error);
          },
        };
        queue.push(waiting);
        signal?.addEventListener("abort", withdraw, { once: true });
      });
      if (idle) void drain(request.flightId, lane);
      return decided;
    },
  };
}

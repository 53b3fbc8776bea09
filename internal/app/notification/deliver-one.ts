import { decideAttempt, type RetryPolicy } from "../../domain/notification/delivery.js";
import type { CounterMetric } from "../ports.js";
import type { ClaimedDelivery, DeliveryQueue, WebhookSender } from "./ports.js";

/**
 * One attempt of a claimed delivery: sends it outside any transaction, decides the next state
 * (domain/notification/delivery.ts) and records it under the claim's lease. `results` counts
 * attempts by result: succeeded, retrying, failed (no ids or URLs as labels).
 */
export function createDeliverOne(deps: {
  queue: DeliveryQueue;
  sender: WebhookSender;
  policy: RetryPolicy;
  results?: CounterMetric<"result">;
  random?: () => number;
}) {
  return async (delivery: ClaimedDelivery, signal?: AbortSignal): Promise<void> => {
    const result = await deps.sender.send(delivery, signal);
    // Stopped mid-send: whether the receiver got it is unknown, so nothing is recorded; the
    // lease runs out and a dispatcher sends it again (receivers dedupe on webhook-id).
    if (signal?.aborted) return;
    const outcome = decideAttempt(result, delivery.attempts, deps.policy, deps.random);
    await deps.queue.record(delivery, result, outcome);
    deps.results?.inc({ result: outcome.status === "pending" ? "retrying" : outcome.status });
  };
}
export type DeliverOne = ReturnType<typeof createDeliverOne>;

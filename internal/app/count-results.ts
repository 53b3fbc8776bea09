import { DomainError } from "../domain/errors.js";
import type { CounterMetric } from "./ports.js";

/** The `result` of an unexpected failure (not a rule's refusal). */
export const UNEXPECTED_RESULT = "error";

/**
 * Wraps a use case so that each of its answers is counted by `result`: `success` when it
 * returns, the refusing rule's reason in lower case when it throws a DomainError
 * (`launch_full`; reasons are constants, a closed set), UNEXPECTED_RESULT for anything else.
 * What it returns and throws is unchanged.
 */
export function countResults<A extends unknown[], R>(
  useCase: (...args: A) => Promise<R>,
  results: CounterMetric<"result">,
  success: string,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      const value = await useCase(...args);
      results.inc({ result: success });
      return value;
    } catch (e) {
      results.inc({ result: e instanceof DomainError ? e.reason.toLowerCase() : UNEXPECTED_RESULT });
      throw e;
    }
  };
}

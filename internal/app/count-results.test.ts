import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../domain/errors.js";
import { countResults } from "./count-results.js";
import type { CounterMetric } from "./ports.js";

/** A CounterMetric that keeps its counts in a map (a value, as prom-client's Counter would hold them). */
function countsByResult() {
  const counts = new Map<string, number>();
  const counter: CounterMetric<"result"> = { inc: ({ result }, by = 1) => void counts.set(result, (counts.get(result) ?? 0) + by) };
  return { counter, counts };
}

describe("countResults", () => {
  it("counts successes, each refusal by its reason in lower case and anything else as error, changing no answer", async () => {
    const { counter, counts } = countsByResult();
    const useCase = countResults(
      async (n: number) => {
        if (n === 1) throw new DomainError("exhausted", "LAUNCH_FULL", "full");
        if (n === 2) throw new TypeError("a bug");
        return n * 10;
      },
      counter,
      "created",
    );
    assert.equal(await useCase(3), 30);
    assert.equal(await useCase(4), 40);
    await assert.rejects(useCase(1), (e: unknown) => e instanceof DomainError && e.reason === "LAUNCH_FULL");
    await assert.rejects(useCase(2), TypeError);
    assert.deepEqual(Object.fromEntries(counts), { created: 2, launch_full: 1, error: 1 });
  });
});

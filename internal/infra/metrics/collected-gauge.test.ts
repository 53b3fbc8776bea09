import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { quietLog } from "../../testkit/logs.js";
import { parsePrometheusText, sampleValue } from "../../testkit/prometheus-text.js";
import { registerCollectedGauge } from "./collected-gauge.js";

describe("registerCollectedGauge", () => {
  it("reads on every scrape, and leaves the series out of a scrape whose read fails or hangs while the rest answers", async () => {
    const registry = new Registry();
    const warnings: unknown[] = [];
    const log = { ...quietLog, warn: (obj: object) => warnings.push(obj) };
    let next: () => Promise<number> = async () => 7;
    registerCollectedGauge({ registry, name: "probe_value", help: "h", read: () => next(), log, timeoutMs: 50 });
    registerCollectedGauge({ registry, name: "probe_other", help: "h", read: async () => 1, log, timeoutMs: 50 });
    const scrape = async () => parsePrometheusText(await registry.metrics());

    assert.equal(sampleValue(await scrape(), "probe_value"), 7);
    next = async () => 8;
    assert.equal(sampleValue(await scrape(), "probe_value"), 8, "read afresh");

    next = () => Promise.reject(new Error("connection refused"));
    let samples = await scrape();
    assert.equal(sampleValue(samples, "probe_value"), undefined, "no stale 8");
    assert.equal(sampleValue(samples, "probe_other"), 1, "the other series still answer");

    next = () => new Promise<number>(() => undefined);
    samples = await scrape();
    assert.equal(sampleValue(samples, "probe_value"), undefined, "a read that never answers is given up");
    assert.equal(sampleValue(samples, "probe_other"), 1);
    assert.deepEqual(
      warnings.map((w) => (w as { metric: string }).metric),
      ["probe_value", "probe_value"],
    );

    next = async () => 9;
    assert.equal(sampleValue(await scrape(), "probe_value"), 9, "back once the read answers");
  });
});

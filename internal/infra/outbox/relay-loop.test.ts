import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "../../../pkg/backoff/backoff.js";
import type { EventPublisher, OutboxRelayStore, PassLease } from "./ports.js";
import { quietLog } from "../../testkit/logs.js";
import { createOutboxRelay, DEFAULT_RELAY_BACKOFF } from "./relay.js";

const publisher: EventPublisher = { publish: async () => "1", resumePublishing: () => undefined, deadlineMs: 1_000 };
const nothing: PassLease = { token: "t", aggregates: [] };

/** Resolves once `done()` holds, checking every few milliseconds for at most `ms`. */
async function until(done: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("outbox relay loop", () => {
  it("sleeps until the retry time its last claim reported, not for the poll interval", async () => {
    // Claim 1 (at start) finds nothing due but an aggregate due in 20 ms: the relay must come
    // back then (counted from when it sent the claim), not after the hour-long poll.
    const claims: number[] = [];
    const store: OutboxRelayStore = {
      claim: async () => (claims.push(performance.now()), claims.length === 1 ? { ...nothing, nextDueInMs: 20 } : nothing),
      loadPending: async () => [],
      settle: async () => undefined,
    };
    const relay = createOutboxRelay({ store, publisher, topics: {}, source: "/spacet", batchSize: 10, pollIntervalMs: 3_600_000, log: quietLog });
    try {
      relay.start();
      await until(() => claims.length === 2, "the pass at the retry time");
      // Timers may fire a millisecond early; the claim was sent a moment before it was counted here.
      assert.ok(claims[1] - claims[0] >= 15, `came back after ${Math.round(claims[1] - claims[0])} ms, before the retry time`);
    } finally {
      await relay.stop();
    }
  });

  it("keeps up to `concurrency` passes in flight and no more, starting the next one as soon as a pass holds its leases", async () => {
    const releases: Array<() => void> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let claims = 0;
    const store: OutboxRelayStore = {
      claim: async () => ({ token: `t${++claims}`, aggregates: [{ aggregateId: `a${claims}`, headSeq: "1" }] }),
      loadPending: async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise<void>((r) => releases.push(r));
        inFlight--;
        return [];
      },
      settle: async () => undefined,
    };
    const relay = createOutboxRelay({
      store,
      publisher,
      topics: {},
      source: "/spacet",
      batchSize: 10,
      concurrency: 3,
      pollIntervalMs: 3_600_000,
      log: quietLog,
    });
    relay.start();
    await until(() => releases.length === 3, "three passes holding leases");
    await new Promise((r) => setImmediate(r));
    assert.equal(claims, 3, "no fourth claim while three passes are in flight");
    releases.shift()?.();
    await until(() => claims === 4 && releases.length === 3, "a fourth pass once one settled");
    const stopped = relay.stop();
    while (releases.length > 0) releases.shift()?.();
    await until(() => inFlight === 0, "the passes in flight to finish");
    await stopped;
    assert.equal(maxInFlight, 3);
  });
});

describe("DEFAULT_RELAY_BACKOFF", () => {
  it("defaults to 1 s doubling up to a minute", () => {
    assert.deepEqual(
      [1, 2, 7, 8].map((n) => backoffDelay(n, DEFAULT_RELAY_BACKOFF, () => 1)),
      [1_000, 2_000, 60_000, 60_000],
    );
  });
});

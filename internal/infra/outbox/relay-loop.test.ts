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
  it("asks again for the next retry when a pass ran while it was asking, instead of sleeping on a stale answer", async () => {
    // The first "when is the next retry?" answer is held back while a wake-up runs a pass (one
    // that could have backed an aggregate off); it then answers "nothing waits". The second
    // answer says 20 ms: the relay must look again then, not after the hour-long poll.
    let claims = 0;
    let scripted = true;
    const answers: Array<(ms: number | undefined) => void> = [];
    const store: OutboxRelayStore = {
      claim: async () => (claims++, nothing),
      loadPending: async () => [],
      settle: async () => undefined,
      nextRetryInMs: () => (scripted ? new Promise((resolve) => answers.push(resolve)) : Promise.resolve(undefined)),
    };
    const relay = createOutboxRelay({
      store,
      publisher,
      topics: {},
      source: "/spacet",
      batchSize: 10,
      pollIntervalMs: 3_600_000,
      log: quietLog,
    });
    try {
      relay.start();
      await until(() => answers.length === 1, "the first question");
      relay.wake();
      await until(() => claims === 2, "the pass the wake-up runs");
      await new Promise((r) => setImmediate(r)); // let that pass end while the question is open
      answers[0](undefined);
      await until(() => answers.length === 2, "a second question");
      answers[1](20);
      await until(() => claims === 3, "the pass at the retry time");
    } finally {
      scripted = false;
      for (const answer of answers) answer(undefined);
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
      nextRetryInMs: async () => undefined,
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

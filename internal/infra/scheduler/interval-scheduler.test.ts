import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quietLog } from "../../testkit/logs.js";
import { createIntervalScheduler, type Tick } from "./interval-scheduler.js";

/** A promise with its resolver, to hold a task open or wait for the nth tick. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createIntervalScheduler", () => {
  it("runs at start-up, then on every interval, and tells the first tick apart", async () => {
    const ticks: boolean[] = [];
    const third = deferred();
    const scheduler = createIntervalScheduler({
      name: "t",
      intervalMs: 5,
      log: quietLog,
      task: async ({ first }) => {
        ticks.push(first);
        if (ticks.length === 3) third.resolve();
      },
    });
    scheduler.start();
    assert.deepEqual(ticks, [true], "the start-up run begins at once");
    await third.promise;
    await scheduler.stop();
    assert.deepEqual(ticks.slice(0, 3), [true, false, false]);
  });

  it("never overlaps runs in one process, and stop() aborts and waits for the run in progress", async () => {
    const release = deferred();
    const skipped = deferred();
    let started = 0;
    let finished = false;
    let seen: Tick | undefined;
    const scheduler = createIntervalScheduler({
      name: "t",
      intervalMs: 2,
      log: { ...quietLog, debug: () => skipped.resolve() },
      task: async (tick) => {
        started++;
        seen = tick;
        await release.promise;
        finished = true;
      },
    });
    scheduler.start();
    await skipped.promise; // a tick came while the first run was still going
    assert.equal(started, 1);
    const stopping = scheduler.stop();
    assert.equal(seen?.signal.aborted, true, "the run is told to give up");
    release.resolve();
    await stopping;
    assert.equal(finished, true, "stop() resolved only after the run ended");
    assert.equal(started, 1);
  });

  it("logs a failed run instead of leaving a rejection unhandled, and keeps ticking", async () => {
    const errors: unknown[] = [];
    const second = deferred();
    let runs = 0;
    const scheduler = createIntervalScheduler({
      name: "t",
      intervalMs: 2,
      log: { ...quietLog, error: (obj) => errors.push(obj) },
      task: async () => {
        if (++runs === 2) second.resolve();
        throw new Error("boom");
      },
    });
    scheduler.start();
    await second.promise;
    await scheduler.stop();
    assert.ok(errors.length >= 1);
    assert.match(String((errors[0] as { err: Error }).err.message), /boom/);
  });

  it("tells when it fires next, for a failed run's log line", async () => {
    const scheduler = createIntervalScheduler({ name: "t", intervalMs: 3_600_000, log: quietLog, task: async () => undefined });
    assert.equal(scheduler.nextRunAt(), undefined, "not started");
    const before = Date.now();
    scheduler.start();
    const next = scheduler.nextRunAt()?.getTime() ?? 0;
    assert.ok(next > before && next <= Date.now() + 3_600_000, `${next - before} ms ahead`);
    await scheduler.stop();
    assert.equal(scheduler.nextRunAt(), undefined, "stopped");
  });
});

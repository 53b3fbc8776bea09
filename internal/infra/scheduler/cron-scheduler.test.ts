import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Logger } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";
import { quietLog } from "../../testkit/logs.js";
import { createCronScheduler, type JobRun } from "./cron-scheduler.js";

/** A promise with its resolver, to hold a run open or wait for the nth run. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A Logger that keeps what is logged at `levels` (level, message and fields); `onLine` sees each. */
function recordingLog(levels: keyof Logger | Array<keyof Logger>, onLine?: (line: { level: string; msg: string }) => void) {
  const lines: Array<{ level: string; msg: string } & Record<string, unknown>> = [];
  const log: Logger = { ...quietLog };
  for (const level of [levels].flat()) {
    log[level] = (obj: object, msg: string) => {
      const line = { ...obj, level, msg };
      lines.push(line);
      onLine?.(line);
    };
  }
  return { log, lines };
}

/** What the service's database driver throws when PostgreSQL cannot be reached. */
const databaseDown = () =>
  new DomainError("unavailable", "DATABASE_UNAVAILABLE", "the database is unavailable; retry the request", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
  });

const EVERY_SECOND = "*/1 * * * * *";

describe("createCronScheduler", () => {
  it("runs a job at start when asked, then on every slot of its expression (a seconds field here)", async () => {
    const runs: boolean[] = [];
    const third = deferred();
    const scheduler = createCronScheduler({ log: quietLog });
    scheduler.add({
      name: "every-second",
      cron: EVERY_SECOND,
      runAtStart: true,
      run: async ({ first }) => {
        runs.push(first);
        if (runs.length === 3) third.resolve();
      },
    });
    scheduler.start();
    assert.deepEqual(runs, [true], "the start-up run begins at once");
    await third.promise;
    await scheduler.stop();
    assert.deepEqual(runs.slice(0, 3), [true, false, false]);
  });

  it("never overlaps a job with itself: a slot during a run is skipped at debug, and stop() aborts and awaits the run", async () => {
    const { log, lines } = recordingLog("debug");
    const release = deferred();
    const skipped = deferred();
    let started = 0;
    const order: string[] = [];
    let seen: JobRun | undefined;
    const scheduler = createCronScheduler({
      log: {
        ...log,
        debug: (obj, msg) => {
          log.debug(obj, msg);
          if (/skipped/.test(msg)) skipped.resolve();
        },
      },
    });
    scheduler.add({
      name: "slow-job",
      cron: EVERY_SECOND,
      runAtStart: true,
      run: async (run) => {
        started++;
        seen = run;
        await release.promise;
        order.push("run ended");
      },
    });
    scheduler.start();
    await skipped.promise; // a slot came while the start-up run was still going
    assert.equal(started, 1);
    assert.ok(
      lines.some((l) => l.job === "slow-job" && /skipped: the previous run is still going/.test(l.msg)),
      "the skip is logged with the job's name",
    );
    const stopping = scheduler.stop().then(() => order.push("stopped"));
    assert.equal(seen?.signal.aborted, true, "the run is told to give up");
    release.resolve();
    await stopping;
    assert.deepEqual(order, ["run ended", "stopped"], "stop() resolved only after the run ended");
    assert.equal(started, 1, "nothing runs after stop()");
  });

  it("logs a failed run with the job's name and keeps to the schedule", async () => {
    const { log, lines } = recordingLog("error");
    const second = deferred();
    let runs = 0;
    const scheduler = createCronScheduler({ log });
    scheduler.add({
      name: "failing-job",
      cron: EVERY_SECOND,
      runAtStart: true,
      run: async () => {
        if (++runs === 2) second.resolve();
        throw new Error("boom");
      },
    });
    scheduler.start();
    await second.promise;
    await scheduler.stop();
    const [first] = lines;
    assert.deepEqual([first.job, first.msg], ["failing-job", "scheduled job failed"]);
    assert.match(String((first.err as Error).message), /boom/);
  });

  it("starts a job added while running at once, and runs only what is due (no start-up run unless asked)", async () => {
    const scheduler = createCronScheduler({ log: quietLog });
    scheduler.start();
    const ran = deferred<boolean>();
    scheduler.add({ name: "late-job", cron: EVERY_SECOND, run: async ({ first }) => ran.resolve(first) });
    assert.equal(await ran.promise, false, "its first run is a cron slot");
    await scheduler.stop();
  });

  it("refuses an invalid expression and a name in use", async () => {
    const scheduler = createCronScheduler({ log: quietLog });
    const run = async () => undefined;
    assert.throws(() => scheduler.add({ name: "bad", cron: "61 * * * *", run }), /job bad: invalid cron expression "61 \* \* \* \*"/);
    scheduler.add({ name: "twice", cron: "*/5 * * * *", run });
    assert.throws(() => scheduler.add({ name: "twice", cron: "*/5 * * * *", run }), /job twice is scheduled already/);
    await scheduler.stop();
  });

  it("tells when a job's next slot is, for a failed run's log line", async () => {
    const scheduler = createCronScheduler({ log: quietLog });
    scheduler.add({ name: "hourly", cron: "0 * * * *", run: async () => undefined });
    assert.equal(scheduler.nextRunAt("hourly"), undefined, "not started");
    scheduler.start();
    const next = scheduler.nextRunAt("hourly");
    assert.ok(next, "started");
    assert.equal(next.getUTCMinutes(), 0, next.toISOString());
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 3_600_000, next.toISOString());
    assert.equal(scheduler.nextRunAt("other"), undefined, "an unknown job");
    await scheduler.stop();
    assert.equal(scheduler.nextRunAt("hourly"), undefined, "stopped");
  });

  it("says a run that met an unavailable database in one short warning (cause, next attempt), the stack at debug", async () => {
    const warned = deferred();
    const { log, lines } = recordingLog(["debug", "warn", "error"], (line) => {
      if (line.level === "warn") warned.resolve();
    });
    const scheduler = createCronScheduler({ log });
    scheduler.add({
      name: "needs-db",
      cron: "0 * * * *",
      runAtStart: true,
      run: async () => {
        throw databaseDown();
      },
    });
    scheduler.start();
    await warned.promise;
    await scheduler.stop();
    const [warning, ...others] = lines.filter((l) => l.level !== "debug");
    assert.deepEqual(others, [], "one line above debug");
    assert.deepEqual(
      [warning.job, warning.msg, warning.reason, warning.cause],
      ["needs-db", "scheduled job skipped: a dependency is unavailable", "DATABASE_UNAVAILABLE", "connect ECONNREFUSED 127.0.0.1:5432"],
    );
    assert.equal(warning.err, undefined, "no stack in the warning");
    assert.ok(Date.parse(String(warning.nextAttemptAt)) > Date.now(), String(warning.nextAttemptAt));
    const detail = lines.find((l) => l.level === "debug" && l.err instanceof DomainError);
    assert.ok(detail, "the error itself is at debug");
  });

  it("keeps a run that fails because the scheduler stops at debug, whatever it failed on", async () => {
    const { log, lines } = recordingLog(["debug", "warn", "error"]);
    const running = deferred();
    const scheduler = createCronScheduler({ log });
    scheduler.add({
      name: "cut-short",
      cron: "0 * * * *",
      runAtStart: true,
      run: ({ signal }) => {
        running.resolve();
        // The database stops with the process: the run fails once told to give up.
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(databaseDown())));
      },
    });
    scheduler.start();
    await running.promise;
    await scheduler.stop();
    assert.deepEqual(
      lines.map((l) => [l.level, l.job, l.msg]),
      [["debug", "cut-short", "scheduled job ended by stop"]],
    );
  });
});

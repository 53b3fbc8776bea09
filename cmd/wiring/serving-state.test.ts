import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it, mock } from "node:test";
import { quietLog } from "../../internal/testkit/logs.js";
import { createServingState } from "./serving-state.js";

/** A promise with its resolver, to hold a database check open. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Moves the mocked interval clock on second by second, letting each check settle (checks in flight are shared). */
async function tickSeconds(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    mock.timers.tick(1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A serving state behind a real HTTP server (its probes only), and GET /readiness on it. */
function servedState() {
  const serving = createServingState({ serviceNames: [""], app: { name: "spacet", version: "0" }, liveness: () => ({}), log: quietLog });
  const server = http.createServer((req, res) => {
    void serving.probes(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  const readiness = async () => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/readiness`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  };
  return { serving, server, readiness };
}

describe("serving state: a stop during start-up wins", () => {
  const sut = servedState();
  before(async () => {
    // The readiness poll runs on setInterval: with it mocked, "nothing polls" is observable.
    mock.timers.enable({ apis: ["setInterval"] });
    await new Promise<void>((resolve) => sut.server.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    mock.timers.reset();
    await new Promise((resolve) => sut.server.close(resolve));
  });

  it("stays draining when the database check of serve() was still running as drain() came, and never polls", async () => {
    const { serving, readiness } = sut;
    let checks = 0;
    const firstCheck = deferred();
    const serving$ = serving.serve(async () => {
      if (++checks === 1) await firstCheck.promise;
    });
    serving.drain();
    firstCheck.resolve();
    await serving$;
    assert.deepEqual(await readiness(), { status: 503, body: { status: "draining" } });
    await tickSeconds(10);
    assert.equal(checks, 1, "no readiness poll after drain()");
  });

  it("does nothing when serve() comes after drain(): readiness stays draining and no check runs", async () => {
    const late = servedState();
    await new Promise<void>((resolve) => late.server.listen(0, "127.0.0.1", resolve));
    try {
      let checks = 0;
      late.serving.drain();
      await late.serving.serve(async () => {
        checks++;
      });
      assert.deepEqual(await late.readiness(), { status: 503, body: { status: "draining" } });
      await tickSeconds(10);
      assert.equal(checks, 0);
    } finally {
      await new Promise((resolve) => late.server.close(resolve));
    }
  });

  it("polls once served, and stops polling on drain()", async () => {
    const served = servedState();
    await new Promise<void>((resolve) => served.server.listen(0, "127.0.0.1", resolve));
    try {
      let checks = 0;
      await served.serving.serve(async () => {
        checks++;
      });
      assert.equal((await served.readiness()).status, 200);
      const afterServe = checks;
      await tickSeconds(3);
      assert.equal(checks, afterServe + 3, "one check a second");
      served.serving.drain();
      await tickSeconds(10);
      assert.equal(checks, afterServe + 3, "none after drain()");
      assert.deepEqual(await served.readiness(), { status: 503, body: { status: "draining" } });
    } finally {
      await new Promise((resolve) => served.server.close(resolve));
    }
  });
});

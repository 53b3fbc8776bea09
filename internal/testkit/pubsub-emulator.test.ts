import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { PubSub } from "@google-cloud/pubsub";
import { freePort } from "../../pkg/free-port.js";
import { startPubsubEmulator } from "./pubsub-emulator.js";

const reachable = async (host: string) =>
  fetch(`http://${host}/`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

describe("startPubsubEmulator", () => {
  it("serves Pub/Sub on its own port, forgets every topic on restart and is gone after stop", async () => {
    const emulator = await startPubsubEmulator();
    const pubsub = new PubSub({ projectId: emulator.projectId, apiEndpoint: emulator.host, emulatorMode: true });
    try {
      assert.match(emulator.host, /^127\.0\.0\.1:\d+$/);
      const name = `topic-${randomUUID()}`;
      await pubsub.createTopic(name);
      const [before] = await pubsub.getTopics();
      assert.deepEqual(
        before.map((t) => t.name),
        [`projects/${emulator.projectId}/topics/${name}`],
      );

      await emulator.restart();
      const [after] = await pubsub.getTopics();
      assert.deepEqual(after, []);
    } finally {
      await pubsub.close();
      await emulator.stop();
    }
    assert.equal(await reachable(emulator.host), false);
  });

  it("fails at once, instead of reporting ready, when its port is taken", async () => {
    const port = await freePort();
    const squatter = createServer().listen(port, "127.0.0.1");
    try {
      await assert.rejects(startPubsubEmulator({ port }), new RegExp(`port ${port} cannot bind port ${port}: it is already in use`));
    } finally {
      squatter.close();
    }
  });

  it("says how to install the emulator when it cannot find it", async () => {
    const saved = { PATH: process.env.PATH, PUBSUB_EMULATOR_BIN: process.env.PUBSUB_EMULATOR_BIN };
    process.env.PATH = "/nonexistent";
    delete process.env.PUBSUB_EMULATOR_BIN;
    // The launcher is looked up synchronously, before the first await, so the env is restored in time.
    const started = startPubsubEmulator();
    Object.assign(process.env, saved);
    await assert.rejects(started, /apt-get install google-cloud-cli-pubsub-emulator.*or set PUBSUB_EMULATOR_BIN/s);
  });
});

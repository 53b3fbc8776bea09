import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PubSub } from "@google-cloud/pubsub";
import { freePort } from "../../../pkg/free-port.js";
import { collectEvents, type TestEmulator, testEmulator, uniqueName } from "../../testkit/pubsub-env.js";
import { createPubsubClient } from "./pubsub-client.js";
import { createPublisher, type Publisher } from "./pubsub-publisher.js";

let emu: TestEmulator;
let admin: PubSub;
const publishers: Publisher[] = [];
const publisherFor = (opts: { createTopics?: boolean; emulatorHost?: string; deadlineMs?: number } = {}) => {
  const p = createPublisher({ projectId: emu.projectId, emulatorHost: emu.host, ...opts });
  publishers.push(p);
  return p;
};
const message = (key: string, n: number) => ({
  data: Buffer.from(JSON.stringify({ n })),
  attributes: { event_id: `${key}-${n}`, event_type: "test.Event" },
  orderingKey: key,
});

before(async () => {
  emu = await testEmulator();
  admin = createPubsubClient({ projectId: emu.projectId, emulatorHost: emu.host });
});
after(async () => {
  await Promise.all(publishers.map((p) => p.close()));
  await admin.close();
  await emu.release();
});

describe("Pub/Sub publisher", () => {
  it("publishes data, attributes and ordering keys in call order per key", async () => {
    const topic = uniqueName("topic");
    const publisher = publisherFor();
    await publisher.ensureTopics([topic]);
    const sink = await collectEvents(admin, topic);
    try {
      const sends = [];
      for (let n = 0; n < 30; n++) sends.push(publisher.publish(topic, message(`key-${n % 3}`, n)));
      const ids = await Promise.all(sends);
      assert.equal(new Set(ids).size, 30, "one message id each");
      await sink.waitFor(() => sink.events.length === 30, "30 messages");
      for (const [key, events] of sink.byKey()) {
        const ns = events.map((e) => (JSON.parse(e.data) as { n: number }).n);
        assert.deepEqual(
          ns,
          [...ns].sort((a, b) => a - b),
          `order of ${key}`,
        );
        assert.equal(ns.length, 10);
      }
      assert.deepEqual(sink.events[0].attributes, { event_id: sink.events[0].eventId, event_type: "test.Event" });
    } finally {
      await sink.close();
    }
  });

  it("creates the topic again after the emulator lost it", async () => {
    const topic = uniqueName("topic");
    const publisher = publisherFor();
    await publisher.publish(topic, message("k", 1));
    await admin.topic(topic).delete();
    await assert.rejects(publisher.publish(topic, message("k", 2)), (e: { code?: number }) => e.code === 5);
    publisher.resumePublishing(topic, "k");
    assert.match(await publisher.publish(topic, message("k", 3)), /^\d+$/);
  });

  it("fails what is queued behind a failed ordering key, and publishes it again after resumePublishing", async () => {
    const topic = uniqueName("topic");
    const publisher = publisherFor({ createTopics: false });
    const results = await Promise.allSettled([1, 2, 3].map((n) => publisher.publish(topic, message("k", n))));
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected", "rejected"],
    );
    await admin.createTopic(topic);
    publisher.resumePublishing(topic, "k");
    const ids = await Promise.all([1, 2, 3].map((n) => publisher.publish(topic, message("k", n))));
    assert.equal(ids.length, 3);
  });

  it("gives up within its deadline when Pub/Sub is unreachable", async () => {
    const publisher = publisherFor({ emulatorHost: `127.0.0.1:${await freePort()}`, createTopics: false, deadlineMs: 1_500 });
    const started = performance.now();
    await assert.rejects(publisher.publish(uniqueName("topic"), message("k", 1)), (e: { code?: number; message: string }) => {
      assert.equal(e.code, 4, e.message); // DEADLINE_EXCEEDED after retrying UNAVAILABLE
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < publisher.deadlineMs + 500, `took ${Math.round(elapsed)} ms, bound ${publisher.deadlineMs} ms`);
  });

  it("answers the liveness check for a known topic and fails it for an unknown one", async () => {
    const topic = uniqueName("topic");
    const publisher = publisherFor();
    await publisher.ensureTopics([topic]);
    await publisher.check(topic);
    await assert.rejects(publisher.check(uniqueName("missing")), /not found/i);
  });
});

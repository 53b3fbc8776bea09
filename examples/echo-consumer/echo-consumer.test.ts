import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PubSub } from "@google-cloud/pubsub";
import { spawnScript } from "../../internal/testkit/processes.js";
import { type TestEmulator, testEmulator, uniqueName } from "../../internal/testkit/pubsub-env.js";

let emu: TestEmulator;
let admin: PubSub;

before(async () => {
  emu = await testEmulator();
  admin = new PubSub({ projectId: emu.projectId, apiEndpoint: emu.host, emulatorMode: true });
});
after(async () => {
  await admin.close();
  await emu.release();
});

/** Publishes as the relay does: one ordered topic, the launch id as ordering key. */
const publish = (topic: string, message: ReturnType<typeof event>) => admin.topic(topic, { messageOrdering: true }).publishMessage(message);

const event = (id: string, n: number) => ({
  data: Buffer.from(JSON.stringify({ n })),
  attributes: { event_id: id, event_type: "spacet.events.v1.BookingCreated", "ce-time": "2049-01-01T00:00:00.000Z" },
  orderingKey: "launch-1",
});

describe("echo consumer (npm run examples:echo)", () => {
  it("prints each event once, deduplicated by event id, survives a lost subscription and exits 0 on SIGTERM", async () => {
    const topic = uniqueName("launches");
    const flightsTopic = uniqueName("flights");
    const subscription = uniqueName("echo");
    const echo = spawnScript("examples/echo-consumer/main.ts", {
      args: ["--subscription", subscription],
      env: { PUBSUB_EMULATOR_HOST: emu.host, PUBSUB_PROJECT_ID: emu.projectId, PUBSUB_LAUNCHES_TOPIC: topic, PUBSUB_FLIGHTS_TOPIC: flightsTopic },
    });
    try {
      await echo.waitForLine(new RegExp(`listening on subscription ${subscription} \\(topic ${topic}`));
      await echo.waitForLine(new RegExp(`listening on subscription ${subscription}-flights \\(topic ${flightsTopic}`));
      // Flight events, on their own topic with the flight id as ordering key, print the same way.
      await publish(flightsTopic, {
        ...event("evt-f1", 1),
        orderingKey: "flight-1",
        attributes: { ...event("evt-f1", 1).attributes, event_type: "spacet.events.v1.FlightCreated" },
      });
      assert.match(await echo.waitForLine(/id=evt-f1 /), /^2049-01-01T00:00:00.000Z spacet.events.v1.FlightCreated key=flight-1 id=evt-f1 \{"n":1\}$/);
      await publish(topic, event("evt-1", 1));
      await publish(topic, event("evt-1", 1)); // a re-publish after a relay crash
      await publish(topic, event("evt-2", 2));
      assert.match(await echo.waitForLine(/id=evt-1 /), /^2049-01-01T00:00:00.000Z spacet.events.v1.BookingCreated key=launch-1 id=evt-1 \{"n":1\}$/);
      await echo.waitForLine(/id=evt-1 \(duplicate, skipped\)$/);
      await echo.waitForLine(/id=evt-2 \{"n":2\}$/);
      assert.equal(
        echo
          .stdout()
          .split("\n")
          .filter((l) => l.includes("id=evt-1 {")).length,
        1,
        "printed once",
      );

      // As after an emulator restart: the subscription is gone; the consumer makes it again.
      await admin.subscription(subscription).delete();
      const relistened = () =>
        echo
          .stdout()
          .split("\n")
          .filter((l) => l.includes(`listening on subscription ${subscription} (`)).length === 2;
      for (const deadline = Date.now() + 30_000; !relistened() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      assert.ok(relistened(), `re-subscribed\n${echo.stderr()}`);
      await publish(topic, event("evt-3", 3));
      await echo.waitForLine(/id=evt-3 \{"n":3\}$/);

      echo.kill("SIGTERM");
      assert.equal((await echo.exited).code, 0);
    } finally {
      if (echo.child.exitCode === null && echo.child.signalCode === null) echo.kill("SIGKILL");
    }
  });
});

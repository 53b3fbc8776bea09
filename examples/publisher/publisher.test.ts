import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type TestEmulator, testEmulator, uniqueName } from "../../internal/testkit/pubsub-env.js";
import { spawnScript } from "../../internal/testkit/processes.js";

let emu: TestEmulator;
before(async () => {
  emu = await testEmulator();
});
after(() => emu.release());

describe("publisher smoke test (npm run examples:publish)", () => {
  it("round-trips its events in order through the emulator and exits 0", async () => {
    const smoke = spawnScript("examples/publisher/main.ts", {
      args: ["--count", "4"],
      env: { PUBSUB_EMULATOR_HOST: emu.host, PUBSUB_PROJECT_ID: emu.projectId, PUBSUB_LAUNCHES_TOPIC: uniqueName("launches") },
    });
    const exit = await smoke.exited;
    assert.equal(exit.code, 0, `${smoke.stdout()}\n${smoke.stderr()}`);
    assert.match(smoke.stdout(), /publisher smoke test passed: 4\/4 events round-tripped in order/);
    assert.equal(
      smoke
        .stdout()
        .split("\n")
        .filter((l) => l.startsWith("received spacet.events.v1.BookingCreated")).length,
      4,
    );
  });
});

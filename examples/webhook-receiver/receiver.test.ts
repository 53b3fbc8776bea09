import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import { type ReceivedEvent, startReceiver } from "./receiver.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("the example webhook receiver", () => {
  const events: ReceivedEvent[] = [];
  const rejected: string[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver({
      port: 0,
      host: "127.0.0.1",
      secrets: ["whsec_b3RoZXIgc2VjcmV0IG9mIDI0IGJ5dGVz", SECRET],
      onEvent: (e) => events.push(e),
      onRejected: (r) => rejected.push(r),
    });
  });
  after(() => receiver.close());

  const post = (id: string, body: string, signature?: string) => {
    const timestamp = new Date();
    return fetch(`http://127.0.0.1:${receiver.port}/hook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature ?? new Webhook(SECRET).sign(id, timestamp, body),
      },
      body,
    });
  };

  it("verifies a delivery against each secret, hands it on once, and acknowledges retries", async () => {
    const body = JSON.stringify({ type: "flight.closed", timestamp: "2049-06-01T00:00:00.000Z", data: { flightId: "f1" } });
    assert.equal((await post("d1", body)).status, 204);
    assert.equal((await post("d1", body)).status, 204);
    assert.deepEqual(events, [{ id: "d1", type: "flight.closed", timestamp: "2049-06-01T00:00:00.000Z", data: { flightId: "f1" } }]);
  });

  it("refuses a bad signature with 401", async () => {
    const res = await post("d2", JSON.stringify({ type: "flight.closed", timestamp: "x", data: {} }), "v1,AAAA");
    assert.equal(res.status, 401);
    assert.deepEqual(rejected, ["signature not valid for webhook-id d2"]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toPubsubMessage } from "./relay-message.js";

describe("toPubsubMessage", () => {
  it("carries the stored payload, the aggregate as ordering key, and the dedupe and CloudEvents attributes", () => {
    const message = toPubsubMessage(
      {
        id: "0b8e1c2a-4c1e-4a57-9a59-3f8f2a0d2c11",
        aggregateType: "launch",
        aggregateId: "launch-42",
        eventType: "spacet.events.v1.BookingCreated",
        payloadJson: '{"bookingId": "b-1", "bookedSeats": 3}',
        createdAt: new Date("2049-03-01T12:00:00.123Z"),
        attempts: 2,
        due: true,
      },
      "/spacet",
    );
    assert.equal(message.data.toString("utf8"), '{"bookingId": "b-1", "bookedSeats": 3}');
    assert.equal(message.orderingKey, "launch-42");
    assert.deepEqual(message.attributes, {
      event_id: "0b8e1c2a-4c1e-4a57-9a59-3f8f2a0d2c11",
      event_type: "spacet.events.v1.BookingCreated",
      "ce-id": "0b8e1c2a-4c1e-4a57-9a59-3f8f2a0d2c11",
      "ce-type": "spacet.events.v1.BookingCreated",
      "ce-source": "/spacet/launch/launch-42",
      "ce-specversion": "1.0",
      "ce-time": "2049-03-01T12:00:00.123Z",
      "content-type": "application/json",
    });
  });
});

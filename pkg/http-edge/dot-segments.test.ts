import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasDotSegment } from "./dot-segments.js";

describe("hasDotSegment", () => {
  it("finds . and .. segments, plain or percent-encoded in any case, with / or \\ as separator", () => {
    for (const target of [
      "/v1/bookings/%2e%2e/sync:run",
      "/v1/bookings/%2E%2e/sync:run",
      "/healthz/../v1/launchpads",
      "/v1/./launchpads",
      "/v1/launchpads/.",
      "/v1/launchpads/..?x=1",
      "/%2e/v1",
      "/healthz\\..\\v1",
      "http://host/a/../b",
      "/a/.%2E/b",
    ]) {
      assert.equal(hasDotSegment(target), true, target);
    }
  });

  it("leaves names that merely contain dots alone, and looks at the path only", () => {
    for (const target of [
      "/",
      "/spacet.v1.BookingService/GetBooking",
      "/v1/...",
      "/v1/a..b",
      "/v1/.well-known",
      "/v1/x?path=../etc",
      "/v1/x#/../y",
      "/v1/%252e%252e",
    ]) {
      assert.equal(hasDotSegment(target), false, target);
    }
  });
});

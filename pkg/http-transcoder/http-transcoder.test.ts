import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { BookingStatus } from "../../gen/spacet/v1/booking_pb.js";
import { start, validBooking, violationFields, type Harness } from "./testdata/bookings.js";

describe("http transcoder over the booking API", () => {
  let h: Harness;
  before(async () => (h = await start()));
  after(() => h.server.close());

  it("creates a booking from a POST body and answers protobuf JSON with defaults", async () => {
    const res = await h.call("POST", "/v1/bookings", validBooking);
    assert.equal(res.status, 200);
    assert.equal(res.body.booking.firstName, "Ada");
    assert.equal(res.body.booking.status, "BOOKING_STATUS_CONFIRMED");
    assert.equal(res.body.booking.requestId, "", "implicit fields are emitted");
    assert.match(res.body.booking.createTime, /^\d{4}-\d\d-\d\dT/);
  });

  it("accepts proto field names in the body", async () => {
    const res = await h.call("POST", "/v1/bookings", { ...validBooking, firstName: undefined, first_name: "Grace" });
    assert.equal(res.status, 200);
    assert.equal(res.body.booking.firstName, "Grace");
  });

  it("gets a booking by path variable and maps NOT_FOUND to 404", async () => {
    const created = await h.call("POST", "/v1/bookings", validBooking);
    const id = created.body.booking.ticketId;
    const found = await h.call("GET", `/v1/bookings/${id}`);
    assert.equal(found.status, 200);
    assert.equal(found.body.booking.ticketId, id);
    const missing = await h.call("GET", `/v1/bookings/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, Code.NotFound);
    assert.match(missing.body.message, /not found/);
    assert.deepEqual(missing.body.details, []);
  });

  it("maps query parameters by proto or JSON name, with numeric and named enums", async () => {
    const res = await h.call("GET", "/v1/bookings?page_size=2&launchpadId=pad-1&status=1&destination=DESTINATION_MOON&from_launch_date=2099-01-01");
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body.bookings));
    assert.equal(h.fake.seen.list?.pageSize, 2);
    assert.equal(h.fake.seen.list?.launchpadId, "pad-1");
    assert.equal(h.fake.seen.list?.status, BookingStatus.CONFIRMED);
    assert.equal(h.fake.seen.list?.destination, 2);
    assert.equal(h.fake.seen.list?.fromLaunchDate, "2099-01-01");
  });

  it("cancels with POST :cancel (empty body) and with the DELETE additional binding", async () => {
    for (const [method, suffix] of [
      ["POST", ":cancel"],
      ["DELETE", ""],
    ] as const) {
      const created = await h.call("POST", "/v1/bookings", validBooking);
      const id = created.body.booking.ticketId;
      const res = await h.call(method, `/v1/bookings/${id}${suffix}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.booking.status, "BOOKING_STATUS_CANCELLED");
      assert.equal(res.body.booking.cancellation.reason, "CANCELLATION_REASON_CUSTOMER_REQUEST");
    }
  });

  it("returns protovalidate violations as 400 with a buf.validate.Violations detail", async () => {
    const res = await h.call("POST", "/v1/bookings", { ...validBooking, firstName: "", birthday: "yesterday" });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, Code.InvalidArgument);
    assert.match(res.body.message, /first_name/);
    assert.deepEqual(violationFields(res).sort(), ["birthday", "first_name"]);
    const violation = res.body.details[0].violations.find((v: any) => v.ruleId === "string.min_len");
    assert.deepEqual(violation.field.elements[0], { fieldNumber: 1, fieldName: "first_name", fieldType: "TYPE_STRING" });
  });

  it("answers HEAD on a GET route with the GET status and headers and no body", async () => {
    const created = await h.call("POST", "/v1/bookings", validBooking);
    const path = `/v1/bookings/${created.body.booking.ticketId}`;
    const get = await fetch(h.server.url + path);
    const head = await fetch(h.server.url + path, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), get.headers.get("content-type"));
    assert.equal(head.headers.get("content-length"), get.headers.get("content-length"));
    assert.equal(await head.text(), "");
    assert.ok((await get.text()).length > 0);
    const missing = await fetch(h.server.url + "/v1/bookings/3f2b1c4d-0000-4000-8000-000000000000", { method: "HEAD" });
    assert.equal(missing.status, 404);
  });

  it("answers 405 with Allow for a known path and an unknown method, and leaves unknown paths to the caller", async () => {
    const res = await h.call("PUT", "/v1/bookings");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
    assert.equal(res.body.code, Code.Unimplemented);
    const unknown = await h.call("GET", "/v1/rockets");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body, "not found", "the fallback answered, not the transcoder");
    const outside = await h.call("GET", "/bookings");
    assert.equal(outside.body, "not found");
  });

  it("forwards the configured headers and lets interceptors reject the call", async () => {
    const ok = await h.call("POST", "/v1/bookings", validBooking, {
      authorization: "Bearer good",
      "x-request-id": "req-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "x-not-forwarded": "nope",
    });
    assert.equal(ok.status, 200);
    assert.equal(h.fake.seen.headers.get("authorization"), "Bearer good");
    assert.equal(h.fake.seen.headers.get("x-request-id"), "req-1");
    assert.equal(h.fake.seen.headers.get("traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assert.equal(h.fake.seen.headers.get("x-not-forwarded"), null);
    const denied = await h.call("POST", "/v1/bookings", validBooking, { authorization: "Bearer bad" });
    assert.equal(denied.status, 401);
    assert.equal(denied.body.code, Code.Unauthenticated);
    assert.equal(denied.headers.get("www-authenticate"), "Bearer", "a 401 names the scheme to authenticate with");
  });

  it("hides unexpected errors behind 500 internal error", async () => {
    const res = await h.call("POST", "/v1/bookings", { ...validBooking, firstName: "Explode" });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { code: Code.Internal, message: "internal error", details: [] });
  });

  it("aborts the RPC when the client disconnects", async () => {
    const client = new AbortController();
    const pending = fetch(h.server.url + "/v1/bookings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...validBooking, firstName: "Slow" }),
      signal: client.signal,
    }).catch((e: unknown) => e);
    await h.fake.slowStarted;
    client.abort();
    await h.fake.slowAborted;
    assert.equal(((await pending) as Error).name, "AbortError");
  });
});

describe("http transcoder error mapping", () => {
  let h: Harness;
  before(async () => (h = await start({ forwardHeaders: ["x-test-code"] })));
  after(() => h.server.close());

  const table: [Code, number][] = [
    [Code.Canceled, 499],
    [Code.Unknown, 500],
    [Code.InvalidArgument, 400],
    [Code.DeadlineExceeded, 504],
    [Code.NotFound, 404],
    [Code.AlreadyExists, 409],
    [Code.PermissionDenied, 403],
    [Code.ResourceExhausted, 429],
    [Code.FailedPrecondition, 400],
    [Code.Aborted, 409],
    [Code.OutOfRange, 400],
    [Code.Unimplemented, 501],
    [Code.Internal, 500],
    [Code.Unavailable, 503],
    [Code.DataLoss, 500],
    [Code.Unauthenticated, 401],
  ];
  for (const [code, status] of table) {
    it(`answers ${Code[code]} with HTTP ${status}`, async () => {
      const res = await h.call("POST", "/v1/bookings", validBooking, { "x-test-code": String(code) });
      assert.equal(res.status, status);
      assert.equal(res.body.code, code);
      if (status === 500) {
        assert.deepEqual(res.body, { code, message: "internal error", details: [] });
      } else {
        assert.equal(res.body.message, "db dsn postgres://admin:hunter2@db is down");
        // Details like answers: every field present, empty ones too.
        assert.deepEqual(res.body.details, [
          { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "TEST_REASON", domain: "spacet.test", metadata: {} },
        ]);
      }
    });
  }

  it("only forwards the configured headers", async () => {
    await h.call("POST", "/v1/bookings", validBooking, { authorization: "Bearer good" });
    assert.equal(h.fake.seen.headers.get("authorization"), null);
  });
});

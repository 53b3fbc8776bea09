import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { BookingService, BookingStatus } from "../../gen/spacet/v1/booking_pb.js";
import { createHttpTranscoder } from "./http-transcoder.js";
import { createFakeBookings, start, validBooking, violationFields, type Harness } from "./testdata/bookings.js";
import { h2Request, serveWithTranscoder } from "./testdata/serve.js";

describe("http transcoder bad input", () => {
  let h: Harness;
  let ticketId: string;
  before(async () => {
    h = await start({ maxBodyBytes: 1024 });
    ticketId = (await h.call("POST", "/v1/bookings", validBooking)).body.booking.ticketId;
  });
  after(() => h.server.close());

  const cases: {
    name: string;
    method: string;
    path: string | (() => string);
    body?: unknown;
    headers?: Record<string, string>;
    status?: number;
    message: RegExp;
    field?: string;
    ruleId?: string;
  }[] = [
    { name: "malformed JSON", method: "POST", path: "/v1/bookings", body: '{"firstName":', message: /^malformed JSON body: / },
    { name: "a JSON array body", method: "POST", path: "/v1/bookings", body: "[]", message: /request body must be a JSON object/ },
    { name: "a JSON string body", method: "POST", path: "/v1/bookings", body: '"Ada"', message: /request body must be a JSON object/ },
    {
      name: "an unknown body field",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, seats: 2 },
      message: /^seats: unknown field$/,
      field: "seats",
      ruleId: "transcoder.unknown_field",
    },
    {
      name: "a number for a string",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, firstName: 5 },
      message: /^first_name: expected string, got 5$/,
      field: "first_name",
      ruleId: "transcoder.invalid_value",
    },
    {
      name: "an object for a string",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, lastName: {} },
      message: /^last_name: /,
      field: "last_name",
    },
    {
      name: "an unknown enum name",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, gender: "female" },
      message: /^gender: unknown value "female" for enum spacet.v1.Gender$/,
      field: "gender",
    },
    {
      name: "two bad fields at once",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, firstName: 1, lastName: 2 },
      message: /^first_name: .*, and 1 more violation$/,
      field: "first_name",
    },
    {
      name: "a non-integer query parameter",
      method: "GET",
      path: "/v1/bookings?page_size=abc",
      message: /^page_size: expected number \(int32\), got "abc"$/,
      field: "page_size",
      ruleId: "transcoder.invalid_value",
    },
    { name: "a fractional query parameter", method: "GET", path: "/v1/bookings?pageSize=1.5", message: /^page_size: /, field: "page_size" },
    {
      name: "an unknown query parameter",
      method: "GET",
      path: "/v1/bookings?color=red",
      message: /unknown query parameter "color"/,
      field: "color",
      ruleId: "transcoder.unknown_field",
    },
    {
      name: "a singular query parameter given twice",
      method: "GET",
      path: "/v1/bookings?page_size=1&pageSize=2",
      message: /given 2 times/,
      field: "page_size",
      ruleId: "transcoder.conflict",
    },
    {
      name: "a query parameter on a body:* route",
      method: "POST",
      path: "/v1/bookings?firstName=Ada",
      body: validBooking,
      message: /every field from the body/,
      field: "firstName",
    },
    {
      name: "a query parameter for a path-bound field",
      method: "GET",
      path: () => `/v1/bookings/${ticketId}?ticket_id=x`,
      message: /already binds/,
      field: "ticket_id",
      ruleId: "transcoder.not_settable",
    },
    {
      name: "a body that contradicts the path",
      method: "POST",
      path: () => `/v1/bookings/${ticketId}:cancel`,
      body: { ticketId: "other" },
      message: /URL path says/,
      field: "ticket_id",
      ruleId: "transcoder.conflict",
    },
    { name: "a body on a route without body", method: "DELETE", path: () => `/v1/bookings/${ticketId}`, body: "{}", message: /takes no request body/ },
    {
      name: "a body over maxBodyBytes",
      method: "POST",
      path: "/v1/bookings",
      body: { ...validBooking, firstName: "x".repeat(2000) },
      message: /^request body exceeds the limit of 1024 bytes$/,
    },
    {
      name: "an XML body",
      method: "POST",
      path: "/v1/bookings",
      body: JSON.stringify(validBooking),
      headers: { "content-type": "application/xml" },
      status: 415,
      message: /unsupported content-type "application\/xml"/,
    },
    {
      name: "a non-UTF-8 charset",
      method: "POST",
      path: "/v1/bookings",
      body: JSON.stringify(validBooking),
      headers: { "content-type": "application/json; charset=latin1" },
      status: 415,
      message: /unsupported content-type/,
    },
    { name: "invalid UTF-8", method: "POST", path: "/v1/bookings", body: new Uint8Array([0x7b, 0xff, 0x7d]), message: /not valid UTF-8/ },
    { name: "malformed percent-encoding in the path", method: "GET", path: "/v1/bookings/%zz", message: /invalid percent-encoding/ },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      const path = typeof c.path === "function" ? c.path() : c.path;
      const res = await h.call(c.method, path, c.body, c.headers);
      assert.equal(res.status, c.status ?? 400, JSON.stringify(res.body));
      assert.equal(res.body.code, Code.InvalidArgument);
      assert.match(res.body.message, c.message);
      if (c.field === undefined) {
        assert.deepEqual(res.body.details, []);
        return;
      }
      assert.equal(violationFields(res)[0], c.field);
      if (c.ruleId) assert.equal(res.body.details[0].violations[0].ruleId, c.ruleId);
    });
  }

  /** A chunked body of `total` bytes of spaces; `sent()` tells how much the server pulled. */
  const streamedBody = (total: number) => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += 512;
        controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    return { body, sent: () => sent };
  };
  const post = (url: string, body: RequestInit["body"]) =>
    fetch(url + "/v1/bookings", { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);

  it("reads a streamed (chunked) body over the limit to its end before answering 400, and keeps the connection", async () => {
    const streamed = streamedBody(64 * 1024);
    const res = await post(h.server.url, streamed.body);
    assert.equal(res.status, 400);
    assert.equal(streamed.sent(), 64 * 1024, "the whole body was read (and dropped)");
    assert.equal(res.headers.get("connection"), "keep-alive");
    assert.match(((await res.json()) as { message: string }).message, /exceeds the limit of 1024 bytes/);
  });

  it("answers 400 and closes the connection without waiting for the rest once a body goes past drainBodyBytes", async () => {
    const small = await start({ maxBodyBytes: 1024, drainBodyBytes: 8 * 1024 });
    try {
      // 16 KiB of a chunked body that never ends: the answer must come anyway.
      const socket = net.connect(Number(new URL(small.server.url).port), "127.0.0.1");
      const answer = new Promise<string>((resolve) => {
        let text = "";
        socket.setEncoding("utf8").on("data", (c: string) => (text += c));
        socket.on("close", () => resolve(text));
      });
      const chunk = `200\r\n${" ".repeat(512)}\r\n`;
      socket.write(`POST /v1/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(32)}`);
      const text = await answer;
      assert.match(text, /^HTTP\/1\.1 400 /);
      assert.match(text, /\r\nconnection: close\r\n/i);
      const declared = await small.call("POST", "/v1/bookings", "x".repeat(16 * 1024));
      assert.equal(declared.status, 400);
      assert.equal(declared.headers.get("connection"), "close");
    } finally {
      await small.server.close();
    }
  });

  it("lets fetch read the 400 for a body of several MiB every time (no EPIPE)", async () => {
    const huge = JSON.stringify({ ...validBooking, firstName: "A".repeat(3 * 1024 * 1024) });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(h.server.url, huge).then((r) => r.text().then(() => r.status))));
    assert.deepEqual(statuses, Array(20).fill(400));
  });

  it("rejects an oversized body over h2c too", async () => {
    const fake = createFakeBookings();
    const rest = createHttpTranscoder({ services: [BookingService], routes: fake.routes, maxBodyBytes: 1024 });
    const server = await serveWithTranscoder(rest, fake.routes, [], "h2c");
    try {
      const big = await h2Request(server.url, "POST", "/v1/bookings", Buffer.alloc(100_000, 0x20), { "content-type": "application/json" });
      assert.equal(big.status, 400);
      assert.match(JSON.parse(big.body).message, /exceeds the limit of 1024 bytes/);
      const ok = await h2Request(server.url, "POST", "/v1/bookings", JSON.stringify(validBooking), { "content-type": "application/json" });
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).booking.firstName, "Ada");
    } finally {
      await server.close();
    }
  });
});

describe("http transcoder lenient enums", () => {
  let h: Harness;
  before(async () => (h = await start({ lenientEnums: true })));
  after(() => h.server.close());

  const spellings: [string, string, string, string][] = [
    ["female", "mars", "GENDER_FEMALE", "DESTINATION_MARS"],
    ["Female", "Mars", "GENDER_FEMALE", "DESTINATION_MARS"],
    ["GENDER_FEMALE", "DESTINATION_MARS", "GENDER_FEMALE", "DESTINATION_MARS"],
    ["gender_female", "destination_mars", "GENDER_FEMALE", "DESTINATION_MARS"],
    ["non_binary", "asteroid_belt", "GENDER_NON_BINARY", "DESTINATION_ASTEROID_BELT"],
    ["Non-Binary", "Asteroid_Belt", "GENDER_NON_BINARY", "DESTINATION_ASTEROID_BELT"],
    ["non binary", "asteroid belt", "GENDER_NON_BINARY", "DESTINATION_ASTEROID_BELT"],
    ["MALE", "asteroid-belt", "GENDER_MALE", "DESTINATION_ASTEROID_BELT"],
  ];
  for (const [gender, destination, wantGender, wantDestination] of spellings) {
    it(`accepts gender "${gender}" and destination "${destination}" in the body`, async () => {
      const res = await h.call("POST", "/v1/bookings", { ...validBooking, gender, destination });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.booking.gender, wantGender);
      assert.equal(res.body.booking.destination, wantDestination);
    });
  }

  it("accepts short names in query parameters", async () => {
    const res = await h.call("GET", "/v1/bookings?status=Confirmed&destination=asteroid-belt");
    assert.equal(res.status, 200);
    assert.equal(h.fake.seen.list?.status, BookingStatus.CONFIRMED);
    assert.equal(h.fake.seen.list?.destination, 4);
  });

  it("still rejects unknown names with 400", async () => {
    const body = await h.call("POST", "/v1/bookings", { ...validBooking, gender: "robot" });
    assert.equal(body.status, 400);
    assert.deepEqual(violationFields(body), ["gender"]);
    const query = await h.call("GET", "/v1/bookings?destination=venus");
    assert.equal(query.status, 400);
    assert.deepEqual(violationFields(query), ["destination"]);
  });
});

describe("http transcoder lenient enums, unknown names deferred to the validator", () => {
  let h: Harness;
  before(async () => (h = await start({ lenientEnums: { deferUnknown: true } })));
  after(() => h.server.close());

  it("reports an unknown name together with the request's other violations, in one 400", async () => {
    const res = await h.call("POST", "/v1/bookings", { ...validBooking, gender: "robot", destination: "Narnia", firstName: "", launchpadId: "" });
    assert.equal(res.status, 400);
    assert.deepEqual([...new Set(violationFields(res))].sort(), ["destination", "first_name", "gender", "launchpad_id"]);
    const query = await h.call("GET", "/v1/bookings?destination=venus&pageSize=-1");
    assert.equal(query.status, 400);
    assert.deepEqual(violationFields(query).sort(), ["destination", "page_size"]);
  });

  it("still maps known short names", async () => {
    const res = await h.call("POST", "/v1/bookings", { ...validBooking, gender: "female", destination: "Mars" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.booking.destination, "DESTINATION_MARS");
  });
});

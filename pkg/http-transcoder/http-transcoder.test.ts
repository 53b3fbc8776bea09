import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { createValidateInterceptor } from "@connectrpc/validate";
import { ErrorInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import {
  BookingSchema,
  BookingService,
  BookingStatus,
  CancellationReason,
  type Booking,
  type ListBookingsRequest,
} from "../../gen/spacet/v1/booking_pb.js";
import { createHttpTranscoder, type HttpTranscoderOptions } from "./http-transcoder.js";
import { serveWithTranscoder, h2Request, type TestServer } from "./testdata/serve.js";

/** In-memory fake of spacet.v1.BookingService that records what the transcoder handed it. */
function createFakeBookings() {
  const bookings = new Map<string, Booking>();
  const seen = { headers: new Headers(), list: undefined as ListBookingsRequest | undefined };
  let onSlowStart: () => void = () => {};
  let onSlowAbort: () => void = () => {};
  const slowStarted = new Promise<void>((resolve) => (onSlowStart = resolve));
  const slowAborted = new Promise<void>((resolve) => (onSlowAbort = resolve));
  const routes = (router: ConnectRouter) =>
    router.service(BookingService, {
      async createBooking(req, ctx) {
        seen.headers = ctx.requestHeader;
        const code = ctx.requestHeader.get("x-test-code");
        if (code) {
          throw new ConnectError("db dsn postgres://admin:hunter2@db is down", Number(code) as Code, undefined, [
            { desc: ErrorInfoSchema, value: { reason: "TEST_REASON", domain: "spacet.test" } },
          ]);
        }
        if (req.firstName === "Explode") throw new Error("secret stack detail");
        if (req.firstName === "Slow") {
          onSlowStart();
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          onSlowAbort();
          throw new ConnectError("aborted", Code.Canceled);
        }
        const { firstName, lastName, gender, birthday, launchpadId, destination, launchDate, requestId } = req;
        const booking = create(BookingSchema, {
          ...{ firstName, lastName, gender, birthday, launchpadId, destination, launchDate, requestId },
          ticketId: randomUUID(),
          status: BookingStatus.CONFIRMED,
          createTime: timestampNow(),
        });
        bookings.set(booking.ticketId, booking);
        return { booking };
      },
      getBooking(req) {
        const booking = bookings.get(req.ticketId);
        if (!booking) throw new ConnectError(`booking ${req.ticketId} not found`, Code.NotFound);
        return { booking };
      },
      listBookings(req) {
        seen.list = req;
        return { bookings: [...bookings.values()].slice(0, req.pageSize || 20) };
      },
      cancelBooking(req) {
        const booking = bookings.get(req.ticketId);
        if (!booking) throw new ConnectError(`booking ${req.ticketId} not found`, Code.NotFound);
        booking.status = BookingStatus.CANCELLED;
        booking.cancellation = { $typeName: "spacet.v1.Cancellation", reason: CancellationReason.CUSTOMER_REQUEST, spacexLaunchId: "" };
        return { booking };
      },
    });
  return { routes, seen, slowStarted, slowAborted };
}

/** Rejects "Bearer bad" the way an auth interceptor would, to prove interceptors run for REST. */
const authInterceptor: Interceptor = (next) => async (req) => {
  if (req.header.get("authorization") === "Bearer bad") throw new ConnectError("bad token", Code.Unauthenticated);
  return next(req);
};

const validBooking = {
  firstName: "Ada",
  lastName: "Lovelace",
  gender: "GENDER_FEMALE",
  birthday: "1990-12-10",
  launchpadId: "pad-1",
  destination: "DESTINATION_MARS",
  launchDate: "2099-01-01",
};

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function start(overrides: Partial<HttpTranscoderOptions> = {}) {
  const fake = createFakeBookings();
  const interceptors = [authInterceptor, createValidateInterceptor()];
  const rest = createHttpTranscoder({ services: [BookingService], routes: fake.routes, interceptors, prefix: "/v1/", ...overrides });
  const server = await serveWithTranscoder(rest, fake.routes, interceptors);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text };
  };
  return { fake, server, call };
}

type Harness = Awaited<ReturnType<typeof start>>;

function violationFields(answer: Answer): string[] {
  const detail = answer.body.details.find((d: any) => d["@type"] === "type.googleapis.com/buf.validate.Violations");
  assert.ok(detail, `expected a Violations detail in ${JSON.stringify(answer.body)}`);
  return detail.violations.map((v: any) => v.field.elements.map((e: any) => e.fieldName).join("."));
}

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
    for (const [method, suffix] of [["POST", ":cancel"], ["DELETE", ""]] as const) {
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

  it("answers 405 with Allow for a known path and an unknown method, and leaves unknown paths to the caller", async () => {
    const res = await h.call("PUT", "/v1/bookings");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, POST");
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
    { name: "an unknown body field", method: "POST", path: "/v1/bookings", body: { ...validBooking, seats: 2 }, message: /^seats: unknown field$/, field: "seats", ruleId: "transcoder.unknown_field" },
    { name: "a number for a string", method: "POST", path: "/v1/bookings", body: { ...validBooking, firstName: 5 }, message: /^first_name: expected string, got 5$/, field: "first_name", ruleId: "transcoder.invalid_value" },
    { name: "an object for a string", method: "POST", path: "/v1/bookings", body: { ...validBooking, lastName: {} }, message: /^last_name: /, field: "last_name" },
    { name: "an unknown enum name", method: "POST", path: "/v1/bookings", body: { ...validBooking, gender: "female" }, message: /^gender: unknown value "female" for enum spacet.v1.Gender$/, field: "gender" },
    { name: "two bad fields at once", method: "POST", path: "/v1/bookings", body: { ...validBooking, firstName: 1, lastName: 2 }, message: /^first_name: .*, and 1 more violation$/, field: "first_name" },
    { name: "a non-integer query parameter", method: "GET", path: "/v1/bookings?page_size=abc", message: /^page_size: expected number \(int32\), got "abc"$/, field: "page_size", ruleId: "transcoder.invalid_value" },
    { name: "a fractional query parameter", method: "GET", path: "/v1/bookings?pageSize=1.5", message: /^page_size: /, field: "page_size" },
    { name: "an unknown query parameter", method: "GET", path: "/v1/bookings?color=red", message: /unknown query parameter "color"/, field: "color", ruleId: "transcoder.unknown_field" },
    { name: "a singular query parameter given twice", method: "GET", path: "/v1/bookings?page_size=1&pageSize=2", message: /given 2 times/, field: "page_size", ruleId: "transcoder.conflict" },
    { name: "a query parameter on a body:* route", method: "POST", path: "/v1/bookings?firstName=Ada", body: validBooking, message: /every field from the body/, field: "firstName" },
    { name: "a query parameter for a path-bound field", method: "GET", path: () => `/v1/bookings/${ticketId}?ticket_id=x`, message: /already binds/, field: "ticket_id", ruleId: "transcoder.not_settable" },
    { name: "a body that contradicts the path", method: "POST", path: () => `/v1/bookings/${ticketId}:cancel`, body: { ticketId: "other" }, message: /URL path says/, field: "ticket_id", ruleId: "transcoder.conflict" },
    { name: "a body on a route without body", method: "DELETE", path: () => `/v1/bookings/${ticketId}`, body: "{}", message: /takes no request body/ },
    { name: "a body over maxBodyBytes", method: "POST", path: "/v1/bookings", body: { ...validBooking, firstName: "x".repeat(2000) }, message: /^request body exceeds the limit of 1024 bytes$/ },
    { name: "a text/plain body", method: "POST", path: "/v1/bookings", body: JSON.stringify(validBooking), headers: { "content-type": "text/plain" }, status: 415, message: /unsupported content-type "text\/plain"/ },
    { name: "a non-UTF-8 charset", method: "POST", path: "/v1/bookings", body: JSON.stringify(validBooking), headers: { "content-type": "application/json; charset=latin1" }, status: 415, message: /unsupported content-type/ },
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

  it("rejects a streamed (chunked) body over the limit without reading it all, and closes the connection", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024) return controller.close();
        sent += 512;
        controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    const res = await fetch(h.server.url + "/v1/bookings", { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("connection"), "close");
    assert.match(((await res.json()) as { message: string }).message, /exceeds the limit of 1024 bytes/);
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
        assert.deepEqual(res.body.details, [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "TEST_REASON", domain: "spacet.test" }]);
      }
    });
  }

  it("only forwards the configured headers", async () => {
    await h.call("POST", "/v1/bookings", validBooking, { authorization: "Bearer good" });
    assert.equal(h.fake.seen.headers.get("authorization"), null);
  });
});

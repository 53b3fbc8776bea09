import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { readHttpRoutes } from "../pkg/http-rules/index.js";
import { redoclyLint } from "../pkg/openapi/testdata/redocly-lint.js";
import { createDocumentValidator, type DocumentValidator } from "../pkg/openapi/testdata/schema-validator.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createFlightJson, flightPlan } from "../internal/testkit/flight-fixtures.js";
import { bookingRequest, PADS } from "../internal/testkit/launch-fixtures.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";
import { OPENAPI_DOCUMENT_URL } from "./wiring/openapi-route.js";
import { API_SERVICES } from "./wiring/routes.js";

/**
 * The committed OpenAPI document (gen/openapi/openapi.json, from `npx buf generate`) against the
 * real server: it is what /openapi.json serves, it passes a real OpenAPI linter, it lists every
 * REST route, and the answers of the running service (successes and errors) match its schemas.
 */
const committed = JSON.parse(readFileSync(OPENAPI_DOCUMENT_URL, "utf8")) as Record<string, any>;
const sut = useServiceProcess();
after(() => assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM"));

describe("OpenAPI document", () => {
  it("is served at /openapi.json, byte for byte the committed file", async () => {
    const res = await fetch(`${sut.service.httpUrl}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(await res.text(), readFileSync(OPENAPI_DOCUMENT_URL, "utf8"));
  });

  it("passes Redocly's recommended rules without a warning", async () => {
    const result = await redoclyLint(OPENAPI_DOCUMENT_URL.pathname);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.totals, { errors: 0, warnings: 0, ignored: 0 });
  });

  it("has an operation for every route the gateway serves, and no other", () => {
    const served = readHttpRoutes([...API_SERVICES]).map((r) => `${r.httpMethod} ${r.path.template}`);
    const documented = Object.entries(committed.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`),
    );
    assert.deepEqual(documented.sort(), served.sort());
  });
});

describe("answers of the running service match the document", () => {
  let validator: DocumentValidator;
  let operator: { authorization: string };
  let ticketId = "";
  before(async () => {
    validator = createDocumentValidator(committed);
    operator = bearer(await mintTestToken({ role: "operator" }));
  });

  /** Calls the service, checks the status, validates the body against the operation's schema for it, returns the body. */
  const call = async (method: string, url: string, path: string, status: number, body?: unknown, headers: Record<string, string> = {}): Promise<any> => {
    const res = await fetch(sut.service.httpUrl + url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    assert.equal(res.status, status, JSON.stringify(json));
    assert.deepEqual(validator.errors(validator.responsePointer(path, method, res.status), json), [], `${method} ${url}: ${JSON.stringify(json)}`);
    return json;
  };
  const booking = (overrides: Parameters<typeof bookingRequest>[0] = {}) => bookingRequest({ launchDate: "2049-03-01", ...overrides });

  it("POST /v1/bookings: 200 with the booking; 400 with violations; 400 and 409 with a reason", async () => {
    const created = await call("POST", "/v1/bookings", "/v1/bookings", 200, booking());
    assert.equal(created.booking.status, "BOOKING_STATUS_CONFIRMED");
    assert.equal(created.booking.cancellation, undefined, "an unset message field is left out");
    ticketId = created.booking.ticketId;

    const invalid = await call("POST", "/v1/bookings", "/v1/bookings", 400, booking({ firstName: "", birthday: "yesterday" }));
    assert.equal(invalid.details.find((d: any) => d["@type"].endsWith("buf.validate.Violations")).violations.length, 2);
    const inactive = await call("POST", "/v1/bookings", "/v1/bookings", 400, booking({ launchpadId: PADS.retired }));
    assert.equal(inactive.details[0].reason, "LAUNCHPAD_NOT_ACTIVE");
    const taken = await call("POST", "/v1/bookings", "/v1/bookings", 409, booking({ destination: "moon" }));
    assert.equal(taken.details[0].reason, "LAUNCH_DAY_TAKEN");
  });

  it("GET /v1/bookings/{ticket_id} and the list: 200; an unknown ticket 404, an unknown filter 400", async () => {
    await call("GET", `/v1/bookings/${ticketId}`, "/v1/bookings/{ticket_id}", 200);
    const listed = await call("GET", `/v1/bookings?launchpadId=${PADS.cape}&status=confirmed&pageSize=1`, "/v1/bookings", 200, undefined, operator);
    assert.equal(listed.bookings.length, 1);
    await call("GET", "/v1/bookings", "/v1/bookings", 401);
    await call("GET", "/v1/bookings/3f2b1c4d-0000-4000-8000-000000000000", "/v1/bookings/{ticket_id}", 404);
    await call("GET", "/v1/bookings?colour=red", "/v1/bookings", 400, undefined, operator);
  });

  it("POST /v1/bookings/{ticket_id}:cancel and DELETE: 200 with the cancellation", async () => {
    const cancelled = await call("POST", `/v1/bookings/${ticketId}:cancel`, "/v1/bookings/{ticket_id}:cancel", 200, {});
    assert.equal(cancelled.booking.cancellation.reason, "CANCELLATION_REASON_CUSTOMER_REQUEST");
    await call("DELETE", `/v1/bookings/${ticketId}`, "/v1/bookings/{ticket_id}", 200);
    await call("DELETE", "/v1/bookings/not-a-uuid", "/v1/bookings/{ticket_id}", 400);
  });

  it("launchpads, destinations and launches: 200; unknown pad 404", async () => {
    const pads = await call("GET", "/v1/launchpads", "/v1/launchpads", 200);
    assert.ok(pads.launchpads.length > 0);
    await call("GET", `/v1/launchpads/${PADS.kennedy}`, "/v1/launchpads/{launchpad_id}", 200);
    await call("GET", "/v1/launchpads/nope", "/v1/launchpads/{launchpad_id}", 404);
    await call("GET", "/v1/destinations", "/v1/destinations", 200);
    await call("GET", `/v1/launches?launchpadId=${PADS.cape}&fromDate=2049-01-01`, "/v1/launches", 200);
    await call("GET", "/v1/launches?fromDate=someday", "/v1/launches", 400);
  });

  it("sync status and a forced run (SpaceX unreachable): 200 with the failed runs, durations and timestamps", async () => {
    // The start-up run fails against the closed SpaceX port after its retries; wait until it is recorded.
    for (;;) {
      const status = await call("GET", "/v1/sync", "/v1/sync", 200);
      if (!status.running && status.launches.lastRun) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ran = await call("POST", "/v1/sync:run", "/v1/sync:run", 200, { refreshLaunchpads: true }, operator);
    assert.equal(ran.run.outcome, "SYNC_OUTCOME_FAILED");
    const status = await call("GET", "/v1/sync", "/v1/sync", 200);
    assert.match(status.launches.lastFailure.duration, /s$/);
    await call("POST", "/v1/sync:run", "/v1/sync:run", 400, { refresh: true }, operator);
    await call("POST", "/v1/sync:run", "/v1/sync:run", 403, {}, bearer(await mintTestToken({ role: "user" })));
  });

  it("register, log in and get me: 200; a taken name 409, a wrong password 401, no token 401", async () => {
    const account = { username: "openapi-ada", email: "ada@example.com", password: "correct horse battery" };
    const registered = await call("POST", "/v1/auth/register", "/v1/auth/register", 200, account);
    assert.equal(registered.user.role, "ROLE_USER");
    await call("POST", "/v1/auth/register", "/v1/auth/register", 409, account);
    await call("POST", "/v1/auth/register", "/v1/auth/register", 400, { ...account, password: "short" });
    const login = await call("POST", "/v1/auth/login", "/v1/auth/login", 200, { username: account.username, password: account.password });
    await call("POST", "/v1/auth/login", "/v1/auth/login", 401, { username: account.username, password: "wrong password!" });
    const me = await call("GET", "/v1/me", "/v1/me", 200, undefined, bearer(login.accessToken));
    assert.equal(me.user.username, account.username);
    await call("GET", "/v1/me", "/v1/me", 401);
  });

  it("flights: create, search, get, book, a refusal with the FlightAvailability detail, own bookings, cancel", async () => {
    const account = { username: "openapi-grace", email: "grace@example.com", password: "correct horse battery" };
    await call("POST", "/v1/auth/register", "/v1/auth/register", 200, account);
    const user = bearer((await call("POST", "/v1/auth/login", "/v1/auth/login", 200, { username: account.username, password: account.password })).accessToken);
    const plan = flightPlan({ capacity: { window: 1, aisle: 0, middle: 0 }, offerDurationMs: 3_600_000 });
    const { flight } = await call("POST", "/v1/flights", "/v1/flights", 200, createFlightJson(plan), operator);
    await call("GET", `/v1/flights?origin=EZE&destination=MAD&departureDate=${flight.departureDate}`, "/v1/flights", 200);
    await call("GET", `/v1/flights/${flight.flightId}`, "/v1/flights/{flight_id}", 200);
    const path = "/v1/flights/{flight_id}/bookings";
    const { booking } = await call("POST", `/v1/flights/${flight.flightId}/bookings`, path, 200, { seats: [{ seatClass: "window", count: 1 }] }, user);
    const refused = await call("POST", `/v1/flights/${flight.flightId}/bookings`, path, 400, { seats: [{ seatClass: "window", count: 1 }] }, user);
    assert.equal(refused.details.find((d: any) => d["@type"].endsWith("spacet.v1.FlightAvailability")).status, "FLIGHT_STATUS_CLOSED");
    await call("GET", "/v1/flight-bookings", "/v1/flight-bookings", 200, undefined, user);
    await call("GET", `/v1/flight-bookings/${booking.bookingId}`, "/v1/flight-bookings/{booking_id}", 200, undefined, user);
    await call("POST", `/v1/flight-bookings/${booking.bookingId}:cancel`, "/v1/flight-bookings/{booking_id}:cancel", 200, {}, user);
    await call("POST", `/v1/flights/${flight.flightId}:updateStatus`, "/v1/flights/{flight_id}:updateStatus", 200, { operationalStatus: "on_time" }, operator);
    await call("POST", `/v1/flights/${flight.flightId}:cancel`, "/v1/flights/{flight_id}:cancel", 200, {}, operator);
  });
});

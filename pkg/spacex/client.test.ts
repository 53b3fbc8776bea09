import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "../../internal/testkit/spacex-fixture-server/server.js";
import { createSpacexClient, type SpacexClientOptions } from "./client.js";
import { SpacexApiError, type SpacexApiErrorKind } from "./errors.js";

let server: SpacexFixtureServer;
before(async () => {
  server = await startSpacexFixtureServer({ shiftYears: 5 });
});
after(() => server.close());
beforeEach(() => server.setFault(null));

/** Small timeouts and backoff so failure paths finish in milliseconds. */
function client(overrides: Partial<SpacexClientOptions> = {}) {
  return createSpacexClient({ baseUrl: server.url, timeoutMs: 500, retries: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 50, ...overrides });
}

function isApiError(kind: SpacexApiErrorKind, check: (error: SpacexApiError) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(error instanceof SpacexApiError, `expected SpacexApiError, got ${error}`);
    assert.equal(error.kind, kind, error.message);
    check(error);
    return true;
  };
}

async function countRequests<T>(run: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; requests: number }> {
  const start = server.requests;
  const [result] = await Promise.allSettled([run()]);
  return { result, requests: server.requests - start };
}

describe("SpaceX client against the fixture server", () => {
  it("lists launchpads as camel-cased objects", async () => {
    const pads = await client().listLaunchpads();
    assert.equal(pads.length, 6);
    assert.deepEqual(
      pads.find((p) => p.name === "STLS"),
      {
        id: "5e9e4502f5090927f8566f85",
        name: "STLS",
        fullName: "SpaceX South Texas Launch Site",
        locality: "Boca Chica Village",
        region: "Texas",
        timezone: "America/Chicago",
        status: "under construction",
      },
    );
  });

  it("reads all 9 upcoming launches over 5 pages of 2, each exactly once, in flight order", async () => {
    const { result, requests } = await countRequests(() => client({ pageSize: 2 }).listUpcomingLaunches());
    assert.equal(result.status, "fulfilled");
    const launches = result.value;
    assert.equal(requests, 5);
    assert.deepEqual(
      launches.map((l) => l.flightNumber),
      [185, 186, 187, 188, 192, 199, 204, 205, 207],
    );
    assert.equal(new Set(launches.map((l) => l.id)).size, 9);
    assert.deepEqual(launches[0], {
      id: "63161329ffc78f3b8567070b",
      name: "Starlink 4-34 (v1.5)",
      flightNumber: 185,
      dateUtc: new Date("2027-09-17T01:05:00.000Z"),
      datePrecision: "hour",
      upcoming: true,
      launchpadId: "5e9e4501f509094ba4566f84",
    });
  });

  it("reads everything in one request with the default page size", async () => {
    const { result, requests } = await countRequests(() => client().listUpcomingLaunches());
    assert.equal(result.status === "fulfilled" && result.value.length, 9);
    assert.equal(requests, 1);
  });

  it("retries a 500 and then throws a typed http error", async () => {
    server.setFault({ kind: "status", status: 500 });
    const retries: number[] = [];
    const { result, requests } = await countRequests(() => client({ onRetry: (i) => retries.push(i.attempt) }).listLaunchpads());
    assert.equal(result.status, "rejected");
    isApiError("http", (e) => {
      assert.equal(e.status, 500);
      assert.equal(e.url, `${server.url}/launchpads`);
    })(result.reason);
    assert.equal(requests, 3);
    assert.deepEqual(retries, [1, 2]);
  });

  it("recovers from two 503s with two retries", async () => {
    server.setFault({ kind: "flaky", failures: 2, route: "/launches/query" });
    const retries: Array<number | undefined> = [];
    const launches = await client({ pageSize: 4, onRetry: (i) => retries.push(i.error.status) }).listUpcomingLaunches();
    assert.equal(launches.length, 9);
    assert.deepEqual(retries, [503, 503]);
  });

  it("gives up on a hanging server with a timeout error within timeout x attempts", async () => {
    server.setFault({ kind: "timeout" });
    const timeoutMs = 100;
    const started = performance.now();
    const { result, requests } = await countRequests(() => client({ timeoutMs, retries: 1, retryMaxDelayMs: 10 }).listLaunchpads());
    const elapsed = performance.now() - started;
    assert.equal(result.status, "rejected");
    isApiError("timeout")(result.reason);
    assert.equal(requests, 2);
    assert.ok(elapsed >= timeoutMs * 2 - 2, `gave up after ${elapsed} ms`);
    // Two attempts of 100 ms, one backoff of at most 10 ms, and slack for a busy CI machine.
    assert.ok(elapsed < timeoutMs * 2 + 10 + 400, `took ${elapsed} ms`);
  });

  it("does not retry a body that is not JSON", async () => {
    server.setFault({ kind: "malformed" });
    const { result, requests } = await countRequests(() => client().listUpcomingLaunches());
    assert.equal(result.status, "rejected");
    isApiError("invalid_payload", (e) => assert.equal(e.status, 200))(result.reason);
    assert.equal(requests, 1);
  });

  it("fails on a page that comes back empty instead of returning a partial schedule", async () => {
    server.setFault({ kind: "missing_page", page: 2 });
    await assert.rejects(
      client({ pageSize: 2 }).listUpcomingLaunches(),
      isApiError("inconsistent_paging", (e) => assert.match(e.message, /page 2: 0 docs, expected 2/)),
    );
  });

  it("fails when a page repeats instead of advancing", async () => {
    const repeatFirstPage: typeof fetch = (input, init) => fetch(input, { ...init, body: String(init?.body).replace('"page":2', '"page":1') });
    await assert.rejects(
      client({ pageSize: 2, fetch: repeatFirstPage }).listUpcomingLaunches(),
      isApiError("inconsistent_paging", (e) => assert.match(e.message, /page 2: the answer is page 1/)),
    );
  });

  it("fails when the schedule changes between pages", async () => {
    const template = (await (await fetch(`${server.url}/launches/63161329ffc78f3b8567070b`)).json()) as Record<string, unknown>;
    const added = { ...template, id: "aaaaaaaaaaaaaaaaaaaaaaaa", flight_number: 300 };
    let pages = 0;
    const changeAfterFirstPage: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (++pages === 1) server.addLaunch(added);
      return response;
    };
    try {
      await assert.rejects(
        client({ pageSize: 2, fetch: changeAfterFirstPage }).listUpcomingLaunches(),
        isApiError("inconsistent_paging", (e) => assert.match(e.message, /totals changed/)),
      );
    } finally {
      server.removeLaunch(added.id);
    }
  });

  it("rejects the whole list when one document fails validation", async () => {
    server.updateLaunch("6243ae7daf52800c6e91925b", { date_precision: "week" });
    try {
      await assert.rejects(
        client({ pageSize: 2 }).listUpcomingLaunches(),
        isApiError("invalid_payload", (e) => assert.match(e.message, /docs\[0\]\.date_precision/)),
      );
    } finally {
      server.updateLaunch("6243ae7daf52800c6e91925b", { date_precision: "month" });
    }
  });

  it("rejects a launchpad list with a bad time zone, status or a wrong envelope", async () => {
    const pads = (await (await fetch(`${server.url}/launchpads`)).json()) as Record<string, unknown>[];
    const serving =
      (body: unknown): typeof fetch =>
      async () =>
        Response.json(body);
    const cases: Array<[unknown, RegExp]> = [
      [[...pads.slice(1), { ...pads[0], timezone: "Mars/Olympus_Mons" }], /\$\[5\]\.timezone: unknown IANA/],
      [[{ ...pads[0], status: "decommissioned" }], /\$\[0\]\.status/],
      [{ docs: pads }, /\$: expected an array/],
      [[pads[0], pads[0]], /same id appears twice/],
    ];
    for (const [body, message] of cases) {
      await assert.rejects(
        client({ fetch: serving(body) }).listLaunchpads(),
        isApiError("invalid_payload", (e) => assert.match(e.message, message)),
      );
    }
  });

  it("does not retry a 4xx", async () => {
    const { result, requests } = await countRequests(() => client({ baseUrl: server.url.replace(/\/v4$/, "/v3") }).listLaunchpads());
    assert.equal(result.status, "rejected");
    isApiError("http", (e) => assert.equal(e.status, 404))(result.reason);
    assert.equal(requests, 1);
  });

  it("stops retrying when Retry-After asks for longer than the cap", async () => {
    server.setFault({ kind: "status", status: 429, retryAfterSeconds: 1 });
    const { result, requests } = await countRequests(() => client().listLaunchpads());
    assert.equal(result.status, "rejected");
    isApiError("http", (e) => assert.equal(e.retryAfterMs, 1000))(result.reason);
    assert.equal(requests, 1);
  });

  it("reports a refused connection as a network error", async () => {
    const closed = await startSpacexFixtureServer();
    await closed.close();
    await assert.rejects(client({ baseUrl: closed.url, retries: 1 }).listLaunchpads(), isApiError("network"));
  });

  it("rejects with the caller's own reason when the caller aborts", async () => {
    server.setFault({ kind: "timeout" });
    const reason = new Error("shutdown");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    const { result, requests } = await countRequests(() => client({ timeoutMs: 5000 }).listUpcomingLaunches(controller.signal));
    assert.equal(result.status === "rejected" && result.reason, reason);
    assert.ok(requests <= 1, "an abort is never retried");
  });

  it("refuses nonsense options", () => {
    assert.throws(() => client({ pageSize: 0 }), RangeError);
    assert.throws(() => client({ retries: -1 }), RangeError);
    assert.throws(() => client({ baseUrl: "ftp://example.com/v4" }), TypeError);
  });
});

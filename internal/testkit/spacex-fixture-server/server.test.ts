import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "./server.js";

let server: SpacexFixtureServer;
before(async () => {
  server = await startSpacexFixtureServer({ shiftYears: 3 });
});
after(() => server.close());
beforeEach(() => server.setFault(null));

const get = (path: string) => fetch(`${server.url}${path}`);
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
/** The fields these tests read from launches, pads and landpads. */
type Doc = { id: string; name: string; flight_number: number; date_utc: string; date_local: string; date_unix: number };
interface Page {
  docs: Doc[];
  totalDocs: number;
  totalPages: number;
  limit: number;
  page: number;
  offset?: number;
  hasNextPage: boolean;
  nextPage: number | null;
}
async function json<T>(response: Promise<Response>): Promise<T> {
  const answer = await response;
  assert.equal(answer.status, 200, `${answer.url}: ${answer.status}`);
  return (await answer.json()) as T;
}
const STARLINK_4_34 = "63161329ffc78f3b8567070b";
const SLC40 = "5e9e4501f509094ba4566f84";

describe("fixture server routes", () => {
  it("serves launchpads, one launchpad and 404 Not Found for an unknown id", async () => {
    const pads = await json<Doc[]>(get("/launchpads"));
    assert.equal(pads.length, 6);
    assert.equal((await json<Doc>(get(`/launchpads/${SLC40}`))).name, "CCSFS SLC 40");
    const missing = await get("/launchpads/000000000000000000000000");
    assert.deepEqual([missing.status, await missing.text()], [404, "Not Found"]);
  });

  it("serves all launches, one launch, and the upcoming ones in flight order, dates shifted", async () => {
    assert.equal((await json<Doc[]>(get("/launches"))).length, 193);
    const upcoming = await json<Doc[]>(get("/launches/upcoming"));
    assert.deepEqual(
      upcoming.map((l) => l.flight_number),
      [185, 186, 187, 188, 192, 199, 204, 205, 207],
    );
    const launch = await json<Doc>(get(`/launches/${STARLINK_4_34}`));
    assert.deepEqual(
      [launch.date_utc, launch.date_local, launch.date_unix],
      ["2025-09-17T01:05:00.000Z", "2025-09-16T21:05:00-04:00", Date.parse("2025-09-17T01:05:00Z") / 1000],
    );
  });

  it("unwraps landpads", async () => {
    const landpads = await json<Doc[]>(get("/landpads"));
    assert.deepEqual(
      landpads.map((p) => p.name),
      ["LZ-1", "LZ-2", "LZ-4", "OCISLY", "JRTI-1", "JRTI", "ASOG"],
    );
  });

  it("pages upcoming launches 2 at a time: 5 pages, every doc exactly once", async () => {
    const pages: Page[] = [];
    for (let page = 1; page <= 5; page++) {
      pages.push(await json<Page>(post("/launches/query", { query: { upcoming: true }, options: { page, limit: 2, sort: { flight_number: "asc" } } })));
    }
    const names = pages.flatMap((p) => p.docs.map((d) => d.name));
    assert.equal(names.length, 9);
    assert.equal(new Set(names).size, 9);
    assert.deepEqual(
      pages.map((p) => [p.page, p.docs.length, p.hasNextPage, p.nextPage]),
      [
        [1, 2, true, 2],
        [2, 2, true, 3],
        [3, 2, true, 4],
        [4, 2, true, 5],
        [5, 1, false, null],
      ],
    );
    assert.ok(pages.every((p) => p.totalDocs === 9 && p.totalPages === 5 && p.limit === 2));
  });

  it("filters by pad and date range and applies select", async () => {
    const page = await json<Page>(
      post("/launches/query", {
        query: { launchpad: SLC40, date_utc: { $gte: "2025-12-01", $lt: "2026-01-01" } },
        options: { select: "name date_utc", sort: "-flight_number" },
      }),
    );
    assert.deepEqual(page.docs, [
      { name: "O3b mPower 3.4", date_utc: "2025-12-01T00:00:00.000Z", id: "6243ae7daf52800c6e91925b" },
      { name: "WorldView Legion 1 & 2", date_utc: "2025-12-01T00:00:00.000Z", id: "6243ae58af52800c6e91925a" },
    ]);
    assert.equal(page.offset, 0);
  });

  it("queries launchpads", async () => {
    const page = await json<Page>(post("/launchpads/query", { query: { status: { $in: ["retired", "under construction"] } }, options: { pagination: false } }));
    assert.deepEqual(
      page.docs.map((p) => p.name),
      ["VAFB SLC 3W", "STLS", "Kwajalein Atoll"],
    );
    assert.equal(page.limit, 3);
  });

  it("answers 400 with a message on a bad query or body, and 404 elsewhere", async () => {
    const bad = await post("/launches/query", { query: { name: { $regex: "Star" } } });
    assert.deepEqual([bad.status, await bad.text()], [400, "unsupported operator name.$regex"]);
    const garbage = await fetch(`${server.url}/launches/query`, { method: "POST", body: "{" });
    assert.equal(garbage.status, 400);
    for (const path of ["/rockets", "/launches/upcoming/extra"]) assert.equal((await get(path)).status, 404);
    assert.equal((await fetch(server.url.replace(/\/v4$/, "/v5/launches"))).status, 404);
  });
});

describe("fixture server faults", () => {
  it("answers a fixed status, with Retry-After when asked", async () => {
    server.setFault({ kind: "status", status: 429, retryAfterSeconds: 7 });
    const answer = await get("/launchpads");
    assert.deepEqual([answer.status, answer.headers.get("retry-after")], [429, "7"]);
  });

  it("limits a fault to its route", async () => {
    server.setFault({ kind: "status", status: 500, route: "/v4/launches/query" });
    assert.equal((await get("/launchpads")).status, 200);
    assert.equal((await post("/launches/query", {})).status, 500);
  });

  it("fails the next N requests with 503, then clears itself", async () => {
    server.setFault({ kind: "flaky", failures: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get("/landpads")).status);
    assert.deepEqual(statuses, [503, 503, 200]);
  });

  it("sends a JSON content type with a body that is not JSON", async () => {
    server.setFault({ kind: "malformed" });
    const answer = await get("/launchpads");
    assert.equal(answer.headers.get("content-type"), "application/json");
    await assert.rejects(answer.json(), SyntaxError);
  });

  it("empties one page of a query", async () => {
    server.setFault({ kind: "missing_page", page: 2 });
    const body = { query: { upcoming: true }, options: { limit: 2 } };
    const pages = await Promise.all([1, 2].map((page) => json<Page>(post("/launches/query", { ...body, options: { ...body.options, page } }))));
    assert.deepEqual(
      pages.map((p) => [p.docs.length, p.totalDocs, p.hasNextPage]),
      [
        [2, 9, true],
        [0, 9, true],
      ],
    );
  });

  it("holds requests until the client aborts, and still closes promptly with requests held", async () => {
    const local = await startSpacexFixtureServer();
    local.setFault({ kind: "timeout" });
    await assert.rejects(fetch(`${local.url}/launchpads`, { signal: AbortSignal.timeout(50) }), { name: "TimeoutError" });
    const hanging = fetch(`${local.url}/launches`).catch((error: unknown) => error);
    await waitFor(() => local.requests === 2);
    const started = performance.now();
    await local.close();
    assert.ok(performance.now() - started < 500);
    assert.ok((await hanging) instanceof TypeError, "the held request is cut off");
  });

  it("refuses faults that make no sense", () => {
    assert.throws(() => server.setFault({ kind: "flaky", failures: 0 }), RangeError);
    assert.throws(() => server.setFault({ kind: "status", status: 200 }), RangeError);
  });
});

describe("fixture server data hooks", () => {
  it("replaces, adds, updates and removes launches, and counts requests", async () => {
    const local = await startSpacexFixtureServer();
    try {
      const original = await json<Doc>(fetch(`${local.url}/launches/${STARLINK_4_34}`));
      assert.equal(original.date_utc, "2022-09-17T01:05:00.000Z", "no shift by default");
      local.setLaunches([original]);
      local.addLaunch({ ...original, id: "bbbbbbbbbbbbbbbbbbbbbbbb", flight_number: 999 });
      local.updateLaunch(STARLINK_4_34, { date_utc: "2030-01-02T03:04:05.000Z" });
      let upcoming = await json<Doc[]>(fetch(`${local.url}/launches/upcoming`));
      assert.deepEqual(
        upcoming.map((l) => [l.id, l.date_utc]),
        [
          [STARLINK_4_34, "2030-01-02T03:04:05.000Z"],
          ["bbbbbbbbbbbbbbbbbbbbbbbb", "2022-09-17T01:05:00.000Z"],
        ],
      );
      local.removeLaunch(STARLINK_4_34);
      upcoming = await json<Doc[]>(fetch(`${local.url}/launches/upcoming`));
      assert.equal(upcoming.length, 1);
      assert.equal(local.requests, 3);
      assert.throws(() => local.removeLaunch(STARLINK_4_34), /no launch/);
      assert.throws(() => local.addLaunch({ ...original, id: "bbbbbbbbbbbbbbbbbbbbbbbb" }), /already exists/);
      assert.throws(() => local.updateLaunch("bbbbbbbbbbbbbbbbbbbbbbbb", { id: "c" }), /cannot change/);
      assert.throws(() => local.setLaunches([original, original]), /unique/);
    } finally {
      await local.close();
    }
  });

  it("copies launches it is given", async () => {
    const local = await startSpacexFixtureServer();
    try {
      const launch = { id: "cccccccccccccccccccccccc", name: "Mine", upcoming: true, flight_number: 1 };
      local.setLaunches([launch]);
      launch.name = "Changed later";
      assert.equal((await json<Doc>(fetch(`${local.url}/launches/${launch.id}`))).name, "Mine");
    } finally {
      await local.close();
    }
  });

  it("explains a missing fixtures folder", async () => {
    await assert.rejects(startSpacexFixtureServer({ fixturesDir: "/nonexistent/spacex" }), /SPACEX_FIXTURES_DIR/);
  });
});

/** Polls a condition the server reaches asynchronously, for at most ~1 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), "condition not reached");
}

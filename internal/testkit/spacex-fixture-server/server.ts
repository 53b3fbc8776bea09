import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Answer, textAnswer } from "./answer.js";
import { shiftLaunch } from "./date-shift.js";
import { createFaultSwitch, type SpacexFixtureFault } from "./faults.js";
import { type Doc, loadFixtures, resolveFixturesDir } from "./fixtures.js";
import { createLaunchStore } from "./launch-store.js";
import { route } from "./routes.js";

export type { SpacexFixtureFault } from "./faults.js";

export interface SpacexFixtureServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Defaults to `SPACEX_FIXTURES_DIR`, else the committed copy in `internal/testkit/spacex-fixture-server/data`. */
  readonly fixturesDir?: string;
  /** Whole years added to every launch date (see `shiftLaunch`). */
  readonly shiftYears?: number;
  /** Whole days added after the years. */
  readonly shiftDays?: number;
}

/** A running fixture server and the knobs tests turn. */
export interface SpacexFixtureServer {
  /** Base URL ending in `/v4`, ready for `createSpacexClient({ baseUrl })`. */
  readonly url: string;
  /** Requests received so far, including failed and held ones. */
  readonly requests: number;
  /** Stops listening and drops held and idle connections. */
  close(): Promise<void>;
  setFault(fault: SpacexFixtureFault | null): void;
  /** Replaces every launch; documents are stored as given (no date shift). */
  setLaunches(launches: readonly Doc[]): void;
  addLaunch(launch: Doc): void;
  removeLaunch(id: string): void;
  /** Shallow-merges `patch` into the launch (e.g. a new `date_utc` to model a reschedule). */
  updateLaunch(id: string, patch: Doc): void;
}

const MAX_BODY_BYTES = 1 << 20;

/**
 * Serves the frozen SpaceX v4 snapshots over HTTP (node:http only) with the real API's
 * routes and paging, so the client and the sync can be tested end to end offline, with
 * dates moved into the future and failures injected on demand.
 */
export async function startSpacexFixtureServer(options: SpacexFixtureServerOptions = {}): Promise<SpacexFixtureServer> {
  const fixtures = await loadFixtures(resolveFixturesDir(options.fixturesDir));
  const zones = new Map(fixtures.launchpads.map((pad) => [String(pad.id), String(pad.timezone)]));
  const shift = { years: options.shiftYears, days: options.shiftDays };
  const launches = createLaunchStore(fixtures.launches.map((launch) => shiftLaunch(launch, shift, zones)));
  const faults = createFaultSwitch();
  const held = new Set<ServerResponse>();
  let requests = 0;

  const server = createServer((req, res) => {
    requests++;
    serve(req, res).catch((error: unknown) => send(res, textAnswer(500, String(error))));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? "/", "http://fixture");
    if (!pathname.startsWith("/v4/")) return send(res, textAnswer(404));
    const path = pathname.slice("/v4".length).replace(/\/+$/, "");
    const interception = faults.intercept(path);
    if (interception && "hold" in interception) {
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    if (interception) return send(res, interception.answer);
    const body = req.method === "POST" ? await readJsonBody(req) : undefined;
    if (body instanceof Error) return send(res, textAnswer(body.message === "too large" ? 413 : 400, body.message));
    const store = { ...fixtures, launches: launches.all() };
    send(res, faults.rewrite(path, route(store, req.method ?? "GET", path, body)));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v4`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of held) res.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    setFault: (fault) => faults.set(fault),
    setLaunches: (next) => launches.replace(next),
    addLaunch: (launch) => launches.add(launch),
    removeLaunch: (id) => launches.remove(id),
    updateLaunch: (id, patch) => launches.update(id, patch),
  };
}

/** The parsed body, `undefined` when empty, or an Error whose message is the client's fault. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return new Error("too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return new Error("Invalid JSON body");
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const isJson = answer.json !== undefined;
  const body = isJson ? JSON.stringify(answer.json) : (answer.text ?? "");
  res.writeHead(answer.status, {
    "content-type": isJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...answer.headers,
  });
  res.end(body);
}

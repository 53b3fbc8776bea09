import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Code, ConnectError, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as S } from "../../gen/grpc/health/v1/health_pb.js";
import { createHealthService, type HealthService } from "./health-service.js";

/** Counts server-side Watch streams that finished, so tests can await "the server let go". */
function createStreamEndCounter() {
  let ended = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const interceptor: Interceptor = (next) => async (req) => {
    const res = await next(req);
    if (!res.stream) return res;
    const inner = res.message;
    const message = (async function* () {
      try {
        yield* inner;
      } finally {
        ended++;
        for (const w of waiters.filter((w) => w.n <= ended)) w.resolve();
      }
    })();
    return { ...res, message };
  };
  const atLeast = (n: number) => new Promise<void>((resolve) => (ended >= n ? resolve() : waiters.push({ n, resolve })));
  return { interceptor, atLeast, count: () => ended };
}

async function startServer(health: HealthService, interceptors: Interceptor[]) {
  const server = http2.createServer(connectNodeAdapter({ routes: (r) => health.register(r), interceptors }));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}

/** Reads the next n messages of a stream. */
async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe("grpc health service", () => {
  let health: HealthService;
  let server: Awaited<ReturnType<typeof startServer>>;
  let ends: ReturnType<typeof createStreamEndCounter>;
  let client: ReturnType<typeof createClient<typeof Health>>;
  let grpcJs: grpc.Client & Record<string, any>;

  before(async () => {
    health = createHealthService();
    health.set("spacet.v1.BookingService", S.NOT_SERVING);
    ends = createStreamEndCounter();
    server = await startServer(health, [ends.interceptor]);
    client = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
    const definition = protoLoader.loadSync("grpc/health/v1/health.proto", {
      includeDirs: [fileURLToPath(new URL("../../third_party/protos", import.meta.url))],
      enums: String,
    });
    const pkg = grpc.loadPackageDefinition(definition) as any;
    grpcJs = new pkg.grpc.health.v1.Health(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    grpcJs.close();
    await server.close();
  });

  it("checks the server and a service, and answers NOT_FOUND for unknown services", async () => {
    assert.equal((await client.check({ service: "" })).status, S.SERVING);
    assert.equal((await client.check({ service: "spacet.v1.BookingService" })).status, S.NOT_SERVING);
    await assert.rejects(client.check({ service: "nope" }), (e: unknown) => e instanceof ConnectError && e.code === Code.NotFound);
  });

  it("lists every status", async () => {
    const res = await client.list({});
    assert.deepEqual(Object.fromEntries(Object.entries(res.statuses).map(([k, v]) => [k, v.status])), {
      "": S.SERVING,
      "spacet.v1.BookingService": S.NOT_SERVING,
    });
  });

  it("streams changes to a watcher and stops the server stream when the client cancels", async () => {
    const abort = new AbortController();
    const stream = client.watch({ service: "spacet.v1.BookingService" }, { signal: abort.signal })[Symbol.asyncIterator]();
    assert.deepEqual(
      (await take(stream, 1)).map((m) => m.status),
      [S.NOT_SERVING],
    );
    health.set("spacet.v1.BookingService", S.SERVING);
    assert.deepEqual(
      (await take(stream, 1)).map((m) => m.status),
      [S.SERVING],
    );
    health.set("spacet.v1.BookingService", S.SERVING); // no change, no message
    health.set("spacet.v1.BookingService", S.NOT_SERVING);
    assert.deepEqual(
      (await take(stream, 1)).map((m) => m.status),
      [S.NOT_SERVING],
    );
    const before = ends.count();
    abort.abort();
    await assert.rejects(stream.next(), (e: unknown) => ConnectError.from(e).code === Code.Canceled);
    await ends.atLeast(before + 1);
  });

  it("answers SERVICE_UNKNOWN to a watcher of an unknown service, then its status once set", async () => {
    const abort = new AbortController();
    const stream = client.watch({ service: "later.v1.Service" }, { signal: abort.signal })[Symbol.asyncIterator]();
    assert.deepEqual(
      (await take(stream, 1)).map((m) => m.status),
      [S.SERVICE_UNKNOWN],
    );
    health.set("later.v1.Service", S.SERVING);
    assert.deepEqual(
      (await take(stream, 1)).map((m) => m.status),
      [S.SERVING],
    );
    abort.abort();
  });

  it("works with a stock @grpc/grpc-js client: Check, Watch and cancel", async () => {
    const checked = await new Promise<any>((resolve, reject) =>
      grpcJs.check({ service: "" }, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))),
    );
    assert.equal(checked.status, "SERVING");
    const missing = await new Promise<grpc.ServiceError>((resolve) => grpcJs.check({ service: "nope" }, (err: grpc.ServiceError) => resolve(err)));
    assert.equal(missing.code, grpc.status.NOT_FOUND);

    const call = grpcJs.watch({ service: "" }) as grpc.ClientReadableStream<{ status: string }>;
    const seen: string[] = [];
    const first = new Promise<void>((resolve) => call.once("data", (m: { status: string }) => (seen.push(m.status), resolve())));
    await first;
    const second = new Promise<void>((resolve) => call.once("data", (m: { status: string }) => (seen.push(m.status), resolve())));
    health.set("", S.NOT_SERVING);
    await second;
    assert.deepEqual(seen, ["SERVING", "NOT_SERVING"]);
    health.set("", S.SERVING);
    const before = ends.count();
    const cancelled = new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
    call.cancel();
    assert.equal((await cancelled).code, grpc.status.CANCELLED);
    await ends.atLeast(before + 1);
  });
});

describe("grpc health shutdown", () => {
  it("sends NOT_SERVING to open watchers, ends their streams and ignores later updates", async () => {
    const health = createHealthService({ "": S.SERVING, "a.v1.A": S.SERVING });
    const ends = createStreamEndCounter();
    const server = await startServer(health, [ends.interceptor]);
    try {
      const client = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
      const a = client.watch({ service: "a.v1.A" })[Symbol.asyncIterator]();
      const all = client.watch({ service: "" })[Symbol.asyncIterator]();
      assert.equal((await take(a, 1))[0].status, S.SERVING);
      assert.equal((await take(all, 1))[0].status, S.SERVING);
      health.shutdown();
      assert.deepEqual(
        (await take(a, 2)).map((m) => m.status),
        [S.NOT_SERVING],
        "one final status, then the stream ends",
      );
      assert.deepEqual(
        (await take(all, 2)).map((m) => m.status),
        [S.NOT_SERVING],
      );
      await ends.atLeast(2);
      health.set("a.v1.A", S.SERVING);
      assert.equal((await client.check({ service: "a.v1.A" })).status, S.NOT_SERVING);
      const late = [];
      for await (const m of client.watch({ service: "" })) late.push(m.status);
      assert.deepEqual(late, [S.NOT_SERVING], "a watch after shutdown answers once and ends");
    } finally {
      await server.close();
    }
  });

  it("setAll changes every known service", async () => {
    const health = createHealthService({ "": S.SERVING, "a.v1.A": S.NOT_SERVING });
    health.setAll(S.NOT_SERVING);
    health.set("b.v1.B", S.SERVING);
    health.setAll(S.SERVING);
    const client = createClient(
      Health,
      createRouterTransport((r) => health.register(r)),
    );
    const list = await client.list({});
    assert.deepEqual(Object.fromEntries(Object.entries(list.statuses).map(([k, v]) => [k, v.status])), {
      "": S.SERVING,
      "a.v1.A": S.SERVING,
      "b.v1.B": S.SERVING,
    });
  });
});

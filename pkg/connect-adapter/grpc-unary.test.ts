import assert from "node:assert/strict";
import http2, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { Health, HealthCheckRequestSchema, HealthCheckResponse_ServingStatus as S } from "../../gen/grpc/health/v1/health_pb.js";
import { createH2cServer, type H2cServer } from "../h2c-server/index.js";
import { createConnectAdapter } from "./connect-adapter.js";
import { recorder } from "./testdata/recorder.js";

const CHECK = "/grpc.health.v1.Health/Check";
const GRPC_CALL = { ":method": "POST", ":path": CHECK, "content-type": "application/grpc", te: "trailers" } as const;

const envelope = (bytes: Uint8Array) => Buffer.concat([Buffer.from([0, 0, 0, 0, bytes.length]), bytes]);
const check = (service: string) => envelope(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service })));

interface Answer {
  headers: IncomingHttpHeaders;
  body: string;
  trailers: IncomingHttpHeaders;
}

/** One raw HTTP/2 call; the answer without its `date` header, which differs between any two calls. */
function call(url: string, body: Uint8Array, headers: OutgoingHttpHeaders = {}): Promise<Answer> {
  const session = http2.connect(url);
  return new Promise<Answer>((resolve, reject) => {
    const stream = session.request({ ...GRPC_CALL, ...headers }, { endStream: false });
    const answer: Answer = { headers: {}, body: "", trailers: {} };
    const chunks: Buffer[] = [];
    stream
      .on("response", (h) => {
        delete h.date;
        answer.headers = h;
      })
      .on("trailers", (t) => (answer.trailers = t))
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve({ ...answer, body: Buffer.concat(chunks).toString("hex") }))
      .on("error", reject);
    stream.end(body);
  }).finally(() => session.close());
}

describe("gRPC unary calls on the HTTP/2 core API", () => {
  const inChain: string[] = [];
  const failures: string[] = [];
  /** Called with the signal of each `wait` call, which answers once its signal aborts. */
  let onWait: (signal: AbortSignal) => void = () => undefined;
  const adapter = createConnectAdapter({
    routes: (router) =>
      router.service(Health, {
        check: (req, ctx) => {
          if (req.service === "fail") {
            throw new ConnectError("no such service", Code.FailedPrecondition, { "x-reason": "test" }, [
              { desc: ErrorInfoSchema, value: { reason: "NOPE", domain: "test" } },
            ]);
          }
          if (req.service === "crash") throw new Error("a secret the client must not see");
          if (req.service === "headers") {
            ctx.responseHeader.set("x-header", "h");
            ctx.responseTrailer.set("x-trailer", "t");
          }
          if (req.service === "wait") {
            onWait(ctx.signal);
            return new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
          }
          return { status: S.SERVING };
        },
      }),
    interceptors: [recorder(inChain)],
    failureInterceptors: [recorder(failures)],
    readMaxBytes: 64,
    // Every answer compressed when the client accepts it, so compression is compared too.
    compressMinBytes: 1,
  });
  let lean: H2cServer;
  let connect: H2cServer;
  const urls = { lean: "", connect: "" };
  before(async () => {
    lean = createH2cServer(adapter, { streams: adapter.grpcUnary });
    connect = createH2cServer(adapter);
    urls.lean = `http://127.0.0.1:${(await lean.listen(0, "127.0.0.1")).port}`;
    urls.connect = `http://127.0.0.1:${(await connect.listen(0, "127.0.0.1")).port}`;
  });
  after(() => Promise.all([lean.close({ graceMs: 100 }), connect.close({ graceMs: 100 })]));

  it("answers every case exactly as Connect's gRPC handler does", async () => {
    const cases: [string, Uint8Array, OutgoingHttpHeaders?][] = [
      ["a call", check("")],
      ["a call with a deadline", check(""), { "grpc-timeout": "5S" }],
      ["an answer compressed as the client accepts", check(""), { "grpc-accept-encoding": "identity,deflate,gzip" }],
      ["headers and trailers the handler set", check("headers")],
      ["an error with metadata and details", check("fail")],
      ["an error that is not a ConnectError", check("crash")],
      ["a message over readMaxBytes", check("x".repeat(100))],
      ["no message", new Uint8Array()],
      ["a truncated envelope", Buffer.from([0, 0, 0, 0, 9, 1])],
      ["two messages", Buffer.concat([check(""), check("")])],
      ["bytes that are not the message", envelope(new Uint8Array([0x0a, 0x02, 0xff, 0xfe]))],
      ["a compressed envelope without grpc-encoding", Buffer.from([1, 0, 0, 0, 0])],
    ];
    for (const [name, body, headers] of cases) {
      const [viaCore, viaConnect] = [await call(urls.lean, body, headers), await call(urls.connect, body, headers)];
      assert.deepEqual(viaCore, viaConnect, name);
    }
    const seen = [...inChain.splice(0), ...failures.splice(0)];
    // Each case ran twice (once per server), and each run was seen once, by the chain or the failure interceptors.
    assert.equal(seen.length, 2 * cases.length);
  });

  it("runs the interceptors for calls and the failure interceptors for requests that never reached them", async () => {
    const client = createClient(Health, createGrpcTransport({ baseUrl: urls.lean }));
    assert.equal((await client.check({ service: "" })).status, S.SERVING);
    await call(urls.lean, envelope(new Uint8Array([0x0a, 0x05, 0x61])));
    assert.deepEqual(inChain.splice(0), ["Check ok"]);
    assert.deepEqual(failures.splice(0), ["Check InvalidArgument"]);
  });

  const abortReason = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));

  it("aborts the call's signal when its deadline passes, with DEADLINE_EXCEEDED", async () => {
    const reason = new Promise<unknown>((resolve) => {
      onWait = (signal) => resolve(abortReason(signal));
    });
    const answer = await call(urls.lean, check("wait"), { "grpc-timeout": "50m" });
    const why = await reason;
    assert.ok(why instanceof ConnectError && why.code === Code.DeadlineExceeded, String(why));
    assert.equal(answer.trailers["grpc-status"], String(Code.DeadlineExceeded));
    assert.deepEqual(inChain.splice(0), ["Check DeadlineExceeded"]);
  });

  it("aborts the call's signal when the client resets the stream", async () => {
    const waiting = new Promise<AbortSignal>((resolve) => {
      onWait = resolve;
    });
    const session = http2.connect(urls.lean);
    try {
      const stream = session.request(GRPC_CALL, { endStream: false });
      stream.on("error", () => undefined);
      stream.end(check("wait"));
      const reason = abortReason(await waiting);
      stream.close(http2.constants.NGHTTP2_CANCEL);
      const why = await reason;
      assert.ok(why instanceof ConnectError && why.code === Code.Canceled, String(why));
    } finally {
      session.destroy();
    }
  });

  it("refuses bytes past the one message while the client is still sending, so a call never buffers more than readMaxBytes", async () => {
    const session = http2.connect(urls.lean);
    try {
      const stream = session.request(GRPC_CALL, { endStream: false });
      stream.on("error", () => undefined);
      const trailers = new Promise<IncomingHttpHeaders>((resolve) => stream.on("trailers", resolve));
      stream.resume();
      // A whole message, then more bytes, and the body never ends.
      stream.write(check(""));
      stream.write(Buffer.alloc(1024));
      const t = await trailers;
      assert.equal(t["grpc-status"], String(Code.Unimplemented));
      assert.match(decodeURIComponent(String(t["grpc-message"])), /extra input message/);
      assert.deepEqual(failures.splice(0), ["Check Unimplemented"]);
    } finally {
      session.destroy();
    }
  });

  it("leaves to Connect what it does not answer itself", () => {
    const route = adapter.grpcUnary;
    const GRPC = { ...GRPC_CALL, ":authority": "localhost" };
    assert.ok(route({ ...GRPC }), "a unary gRPC call");
    assert.ok(route({ ...GRPC, "content-type": "application/grpc+proto" }), "a unary gRPC call");
    assert.equal(route({ ...GRPC, "content-type": "application/grpc+json" }), undefined, "JSON");
    assert.equal(route({ ...GRPC, "content-type": "application/grpc-web+proto" }), undefined, "gRPC-Web");
    assert.equal(route({ ...GRPC, "content-type": "application/proto" }), undefined, "Connect");
    assert.equal(route({ ...GRPC, ":path": "/grpc.health.v1.Health/Watch" }), undefined, "a streaming method");
    assert.equal(route({ ...GRPC, ":path": "/grpc.health.v1.Health/Nope" }), undefined, "an unknown method (UNIMPLEMENTED)");
    assert.equal(route({ ...GRPC, ":method": "GET" }), undefined, "another HTTP method");
    assert.equal(route({ ...GRPC, "grpc-encoding": "gzip" }), undefined, "a compressed request");
    assert.equal(route({ ...GRPC, "grpc-timeout": "soon" }), undefined, "a timeout Connect refuses");
    assert.equal(route({ ...GRPC, origin: "https://example.com" }), undefined, "a browser (CORS)");
    assert.equal(route(GRPC_CALL), undefined, "no :authority (Connect answers it)");
  });
});

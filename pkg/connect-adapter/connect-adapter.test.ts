import assert from "node:assert/strict";
import http2, { type IncomingHttpHeaders } from "node:http2";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as S } from "../../gen/grpc/health/v1/health_pb.js";
import { createH2cServer } from "../h2c-server/index.js";
import { createConnectAdapter } from "./connect-adapter.js";
import { recorder } from "./testdata/recorder.js";

const envelope = (bytes: number[]) => Buffer.concat([Buffer.from([0, 0, 0, 0, bytes.length]), Buffer.from(bytes)]);

function h2(url: string, headers: http2.OutgoingHttpHeaders, body: Uint8Array) {
  const session = http2.connect(url);
  return new Promise<{ headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders }>((resolve, reject) => {
    const stream = session.request(headers, { endStream: false });
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    stream.on("response", (h) => (head = h)).on("trailers", (t) => (trailers = t));
    stream
      .on("end", () => resolve({ headers: head, trailers }))
      .on("error", reject)
      .resume();
    stream.end(body);
  }).finally(() => session.close());
}

describe("connect adapter", () => {
  const inChain: string[] = [];
  const failures: string[] = [];
  const adapter = createConnectAdapter({
    routes: (router) => router.service(Health, { check: () => ({ status: S.SERVING }) }),
    interceptors: [recorder(inChain)],
    failureInterceptors: [recorder(failures)],
    readMaxBytes: 64,
    fallback: (_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("fallback");
    },
  });
  const server = createH2cServer(adapter, { streams: adapter.grpcUnary });
  let url: string;
  let port: number;
  before(async () => {
    ({ port } = await server.listen(0, "127.0.0.1"));
    url = `http://127.0.0.1:${port}`;
  });
  after(() => server.close({ graceMs: 100 }));

  const CHECK = "/grpc.health.v1.Health/Check";
  const INVALID_UTF8 = [0x0a, 0x02, 0xff, 0xfe];

  it("serves a valid call through the interceptors only", async () => {
    const client = createClient(Health, createGrpcTransport({ baseUrl: url }));
    assert.equal((await client.check({ service: "" })).status, S.SERVING);
    assert.deepEqual(inChain.splice(0), ["Check ok"]);
    assert.deepEqual(failures.splice(0), []);
  });

  it("answers a body Connect cannot decode with INVALID_ARGUMENT on every protocol, and shows it to the failure interceptors", async () => {
    const connect = await fetch(url + CHECK, { method: "POST", headers: { "content-type": "application/proto" }, body: new Uint8Array(INVALID_UTF8) });
    assert.equal(connect.status, 400);
    assert.deepEqual(await connect.json(), { code: "invalid_argument", message: "parse binary: The encoded data was not valid for encoding utf-8" });

    const overGrpc = await h2(url, { ":method": "POST", ":path": CHECK, "content-type": "application/grpc", te: "trailers" }, envelope(INVALID_UTF8));
    assert.equal(overGrpc.trailers["grpc-status"], String(Code.InvalidArgument));

    const web = await fetch(url + CHECK, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: envelope([0x0a, 0x05, 0x61]) });
    const bytes = Buffer.from(await web.arrayBuffer());
    assert.equal(bytes[0], 0x80);
    assert.equal(bytes.readUInt32BE(1), bytes.length - 5, "one well-formed trailer envelope");
    assert.match(bytes.subarray(5).toString(), /grpc-status: 3\r\n/);
    assert.match(bytes.subarray(5).toString(), /grpc-message: parse%20binary%3A%20premature%20EOF\r\n/);

    assert.deepEqual(failures.splice(0), ["Check InvalidArgument", "Check InvalidArgument", "Check InvalidArgument"]);
    assert.deepEqual(inChain.splice(0), [], "the handler's interceptors never ran");
  });

  it("keeps other early codes, such as RESOURCE_EXHAUSTED for a message over readMaxBytes", async () => {
    const big = await fetch(url + CHECK, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "x".repeat(100) }),
    });
    assert.equal(big.status, 429);
    assert.equal(((await big.json()) as { code: string }).code, "resource_exhausted");
    assert.deepEqual(failures.splice(0), ["Check ResourceExhausted"]);
  });

  it("answers 400 to an HTTP/1.0 call without a Host header instead of leaving it hanging", async () => {
    const socket = net.connect(port, "127.0.0.1");
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.setEncoding("utf8").on("data", (c: string) => (text += c));
      socket.on("close", () => resolve(text));
    });
    socket.write(`POST ${CHECK} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    assert.match(await answer, /^HTTP\/1\.1 400 /);
  });

  it("answers gRPC calls to unknown methods with UNIMPLEMENTED and leaves other unknown paths to the fallback", async () => {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          "/grpc.health.v1.Health/Nope",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          (e) => resolve(e),
        ),
      );
      assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
      assert.match(err?.details ?? "", /unknown method \/grpc\.health\.v1\.Health\/Nope/);
    } finally {
      client.close();
    }
    const rest = await fetch(`${url}/v1/anything`);
    assert.equal(rest.status, 404);
    assert.equal(await rest.text(), "fallback");
  });
});

import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import http from "node:http";
import http2, { type IncomingHttpHeaders } from "node:http2";
import { after, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { LaunchpadService } from "../gen/spacet/v1/launchpad_pb.js";
import { spawnScript } from "../internal/testkit/processes.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const ORIGIN = "https://app.example";
const sut = useServiceProcess({ HTTP_BODY_TIMEOUT: "2s", CORS_ALLOWED_ORIGINS: `${ORIGIN},http://localhost:5173` });
after(() => {
  assert.equal(sut.exitCode, 0, "the server exits 0 on SIGTERM");
});

/** Resident memory of a process in MiB, as the kernel (and a Kubernetes memory limit) counts it. */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

/** One HTTP/2 exchange: response headers, body and trailers. */
function h2(url: string, headers: http2.OutgoingHttpHeaders, body?: Uint8Array) {
  const session = http2.connect(url);
  return new Promise<{ headers: IncomingHttpHeaders; body: Buffer; trailers: IncomingHttpHeaders }>((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    stream.on("response", (h) => (head = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve({ headers: head, body: Buffer.concat(chunks), trailers }));
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
  }).finally(() => session.close());
}

/** One HTTP/1.1 exchange with the request target sent exactly as given (fetch would normalize it). */
function h1(url: string, method: string, path: string, headers: http.OutgoingHttpHeaders = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, { method, path, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A gRPC length-prefixed message: flags (0: uncompressed), 4-byte length, bytes. */
const envelope = (bytes: Uint8Array, flags = 0) => {
  const out = Buffer.alloc(5 + bytes.length);
  out[0] = flags;
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
};

const rpcLines = (rpc: string, code: string) =>
  sut.service.process
    .stdout()
    .split("\n")
    .filter((l) => l.includes(`"rpc":"${rpc}"`) && l.includes(`"code":"${code}"`)).length;

/** Waits until the server has printed `count` rpc log lines for `rpc` with `code` (its stdout is a pipe and may lag). */
async function untilLogged(rpc: string, code: string, count: number): Promise<number> {
  const stdout = sut.service.process.child.stdout;
  assert.ok(stdout);
  while (rpcLines(rpc, code) < count) await once(stdout, "data");
  return rpcLines(rpc, code);
}

/** Bodies no protobuf decoder accepts, for any message with a string field 1. */
const malformedMessages: Record<string, number[]> = {
  "a truncated message": [0x0a, 0x05, 0x61, 0x62],
  "invalid UTF-8 in a string": [0x0a, 0x02, 0xff, 0xfe],
  "a wrong wire type": [0x0f],
};

describe("the protocol edge holds against hostile clients", () => {
  it("keeps memory flat while one connection opens 8,000 quiet gRPC streams, and serves other clients meanwhile", async () => {
    const pid = sut.service.process.pid;
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
    const attacker = spawnScript("internal/testkit/quiet-streams-client.ts", {
      args: [sut.service.grpcUrl, "8000", "/spacet.v1.LaunchpadService/ListLaunchpads"],
    });
    try {
      const opened = await attacker.waitForLine(/^opened /);
      assert.match(opened, /maxConcurrentStreams=100$/, "at most 100 streams per connection");
      const other = createClient(LaunchpadService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
      for (let i = 0; i < 5; i++) assert.ok((await other.listLaunchpads({})).launchpads.length > 0, "another client is served");
      const rest = await fetch(`${sut.service.httpUrl}/v1/launchpads`);
      assert.equal(rest.status, 200);
      await rest.text();
      peak = Math.max(peak, rssMiB(pid));
      // The quiet streams never send their bodies: the server cancels them after HTTP_BODY_TIMEOUT.
      assert.equal(await attacker.waitForLine(/^reset /), `reset ${http2.constants.NGHTTP2_CANCEL}`);
    } finally {
      clearInterval(sampler);
      attacker.kill("SIGKILL");
      await attacker.exited;
    }
    assert.ok(peak - before < 48, `RSS grew from ${before.toFixed(0)} MiB to ${peak.toFixed(0)} MiB`);
  });

  describe("a request body that is not valid protobuf is INVALID_ARGUMENT, and logged", () => {
    const malformed = malformedMessages;
    const GET_BOOKING = "/spacet.v1.BookingService/GetBooking";

    for (const [name, bytes] of Object.entries(malformed)) {
      it(`${name}, over Connect (POST and GET), gRPC and gRPC-Web`, async () => {
        const logged = rpcLines("spacet.v1.BookingService/GetBooking", "invalid_argument");
        const body = new Uint8Array(bytes);

        const post = await fetch(`${sut.service.httpUrl}${GET_BOOKING}`, { method: "POST", headers: { "content-type": "application/proto" }, body });
        assert.equal(post.status, 400);
        assert.equal(((await post.json()) as { code: string }).code, "invalid_argument");

        const query = `connect=v1&encoding=proto&base64=1&message=${Buffer.from(body).toString("base64url")}`;
        const get = await fetch(`${sut.service.httpUrl}${GET_BOOKING}?${query}`);
        assert.equal(get.status, 400);
        assert.equal(((await get.json()) as { code: string }).code, "invalid_argument");

        const overGrpc = await h2(
          sut.service.grpcUrl,
          { ":method": "POST", ":path": GET_BOOKING, "content-type": "application/grpc", te: "trailers" },
          envelope(body),
        );
        assert.equal(overGrpc.headers[":status"], 200);
        assert.equal(overGrpc.trailers["grpc-status"] ?? overGrpc.headers["grpc-status"], String(Code.InvalidArgument));

        const web = await fetch(`${sut.service.httpUrl}${GET_BOOKING}`, {
          method: "POST",
          headers: { "content-type": "application/grpc-web+proto" },
          body: envelope(body),
        });
        const answer = Buffer.from(await web.arrayBuffer());
        assert.equal(answer[0], 0x80, "a trailer envelope");
        assert.match(answer.subarray(5).toString(), new RegExp(`grpc-status: ${Code.InvalidArgument}\\r\\n`));

        assert.equal(await untilLogged("spacet.v1.BookingService/GetBooking", "invalid_argument", logged + 4), logged + 4, "each call has its rpc log line");
        assert.equal(rpcLines("spacet.v1.BookingService/GetBooking", "internal"), 0);
      });
    }
  });

  it("a request stream that is not valid protobuf is INVALID_ARGUMENT too, for server-streaming and bidi RPCs, and logged", async () => {
    const streams = [
      ["grpc.health.v1.Health/Watch", "/grpc.health.v1.Health/Watch"],
      ["grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"],
    ];
    for (const [rpc, path] of streams) {
      for (const bytes of Object.values(malformedMessages)) {
        const logged = rpcLines(rpc, "invalid_argument");
        const answer = await h2(
          sut.service.grpcUrl,
          { ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" },
          envelope(new Uint8Array(bytes)),
        );
        assert.equal(answer.trailers["grpc-status"] ?? answer.headers["grpc-status"], String(Code.InvalidArgument), `${path} ${bytes}`);
        assert.equal(await untilLogged(rpc, "invalid_argument", logged + 1), logged + 1);
      }
      assert.equal(rpcLines(rpc, "internal"), 0);
    }
  });

  it("rejects paths with . or .. segments, encoded or not, on every route, before anything runs", async () => {
    const url = sut.service.httpUrl;
    const cases: [string, string][] = [
      ["POST", "/v1/bookings/%2e%2e/sync:run"],
      ["POST", "/v1/bookings/%2E%2e/sync:run"],
      ["GET", "/healthz/../v1/launchpads"],
      ["GET", "/healthz/%2e%2e/v1/launchpads"],
      ["GET", "/v1/launchpads/."],
      ["GET", "/v1/./launchpads"],
      ["GET", "/healthz\\..\\v1/launchpads"],
      ["GET", "/readiness/.."],
      ["POST", "/spacet.v1.BookingService/../spacet.v1.SyncService/RunSync"],
    ];
    for (const [method, path] of cases) {
      const res = await h1(url, method, path, { "content-type": "application/json" });
      assert.equal(res.status, 400, `${method} ${path}: ${res.body}`);
      assert.equal((JSON.parse(res.body) as { code: number }).code, 3);
    }
    const overGrpc = await h2(
      sut.service.grpcUrl,
      {
        ":method": "POST",
        ":path": "/spacet.v1.SyncService/%2e%2e/spacet.v1.SyncService/RunSync",
        "content-type": "application/grpc",
        te: "trailers",
      },
      envelope(new Uint8Array()),
    );
    assert.equal(overGrpc.headers[":status"], 400);
    assert.doesNotMatch(sut.service.process.stdout(), /SyncService\/RunSync/, "no RunSync reached the service");
    assert.doesNotMatch(sut.service.process.stdout(), /"trigger":"manual"/, "no sync was forced");
    // The same routes without dot segments still work.
    assert.equal((await h1(url, "GET", "/v1/launchpads")).status, 200);
    assert.equal((await h1(url, "GET", "/healthz")).status, 200);
  });

  describe("browser clients (CORS) for REST, Connect and gRPC-Web", () => {
    const preflight = (origin: string, method: string, headers: string) =>
      fetch(`${sut.service.httpUrl}/spacet.v1.LaunchpadService/ListLaunchpads`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
      });

    it("answers a preflight from an allowed origin with the headers Connect documents", async () => {
      for (const [method, headers] of [
        ["POST", "content-type,connect-protocol-version,connect-timeout-ms"],
        ["POST", "content-type,x-grpc-web,x-user-agent,grpc-timeout"],
        ["DELETE", "content-type,authorization"],
      ]) {
        const res = await preflight(ORIGIN, method, headers);
        assert.equal(res.status, 204);
        assert.equal(res.headers.get("access-control-allow-origin"), ORIGIN);
        const methods = (res.headers.get("access-control-allow-methods") ?? "").split(",");
        assert.ok(methods.includes(method), `${method} in ${methods}`);
        const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
        for (const h of headers.split(",")) assert.ok(allowed.includes(h), `${h} in ${allowed}`);
      }
    });

    it("gives an origin that is not allowed no CORS permission", async () => {
      const res = await preflight("https://evil.example", "POST", "content-type");
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      const get = await fetch(`${sut.service.httpUrl}/v1/launchpads`, { headers: { origin: "https://evil.example" } });
      assert.equal(get.headers.get("access-control-allow-origin"), null);
      await get.text();
    });

    it("lets an allowed origin read answers and gRPC status headers over REST, Connect and gRPC-Web", async () => {
      const rest = await fetch(`${sut.service.httpUrl}/v1/launchpads`, { headers: { origin: ORIGIN } });
      assert.equal(rest.status, 200);
      assert.equal(rest.headers.get("access-control-allow-origin"), ORIGIN);
      await rest.text();

      const connect = await fetch(`${sut.service.httpUrl}/spacet.v1.LaunchpadService/ListLaunchpads`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/json", "connect-protocol-version": "1" },
        body: "{}",
      });
      assert.equal(connect.status, 200);
      assert.equal(connect.headers.get("access-control-allow-origin"), ORIGIN);
      await connect.text();

      const web = await fetch(`${sut.service.httpUrl}/spacet.v1.LaunchpadService/ListLaunchpads`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
        body: envelope(new Uint8Array()),
      });
      assert.equal(web.status, 200);
      assert.equal(web.headers.get("access-control-allow-origin"), ORIGIN);
      const exposed = (web.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(",");
      for (const h of ["grpc-status", "grpc-message", "grpc-status-details-bin"]) assert.ok(exposed.includes(h), `${h} exposed`);
      await web.arrayBuffer();
    });
  });

  it("answers HEAD on REST GET routes with the GET headers and no body, over HTTP/1.1 and HTTP/2", async () => {
    const get = await fetch(`${sut.service.httpUrl}/v1/launchpads`);
    const length = get.headers.get("content-length");
    assert.ok(Number((await get.text()).length) > 0);
    const head1 = await h1(sut.service.httpUrl, "HEAD", "/v1/launchpads");
    assert.equal(head1.status, 200);
    assert.equal(head1.headers["content-length"], length);
    assert.match(head1.headers["content-type"] ?? "", /application\/json/);
    assert.equal(head1.body, "");
    const head2 = await h2(sut.service.httpUrl, { ":method": "HEAD", ":path": "/v1/launchpads" });
    assert.equal(head2.headers[":status"], 200);
    assert.equal(head2.headers["content-length"], length);
    assert.equal(head2.body.length, 0);
    const missing = await h1(sut.service.httpUrl, "HEAD", "/v1/bookings/3f2b1c4d-0000-4000-8000-000000000000");
    assert.equal(missing.status, 404);
    assert.equal(missing.body, "");
  });

  it("answers a gRPC call to an unknown method with grpc-status UNIMPLEMENTED", async () => {
    const client = new grpc.Client(`127.0.0.1:${sut.service.grpcPort}`, grpc.credentials.createInsecure());
    try {
      for (const path of ["/spacet.v1.Nope/Nothing", "/spacet.v1.BookingService/Nothing"]) {
        const err = await new Promise<grpc.ServiceError | null>((resolve) =>
          client.makeUnaryRequest(
            path,
            (b: Buffer) => b,
            (b: Buffer) => b,
            Buffer.alloc(0),
            (e) => resolve(e),
          ),
        );
        assert.equal(err?.code, grpc.status.UNIMPLEMENTED, `${path}: ${err?.message}`);
      }
    } finally {
      client.close();
    }
    const web = await fetch(`${sut.service.httpUrl}/spacet.v1.Nope/Nothing`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: envelope(new Uint8Array()),
    });
    assert.equal(web.status, 200);
    assert.equal(web.headers.get("grpc-status"), String(Code.Unimplemented));
    await web.arrayBuffer();
  });
});

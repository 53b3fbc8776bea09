import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createClient, type Client } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as S } from "../../gen/grpc/health/v1/health_pb.js";
import { createH2cServer, type H2cServerOptions } from "./h2c-server.js";

/** A gate a handler waits on, plus a promise that says the handler got there. */
function createGate() {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return { open, opened, reached, entered };
}

/** Health Check answers at once, except for service "slow", which waits for `gate`; REST-ish paths via fallback. */
function startServer(opts: H2cServerOptions = {}) {
  let gate = createGate();
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(Health, {
        async check(req) {
          if (req.service === "slow") {
            gate.entered();
            await gate.opened;
          }
          return { status: S.SERVING };
        },
      }),
    fallback: (req, res) => {
      const reply = () => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`hello over HTTP/${req.httpVersion}`);
      };
      if (req.url !== "/slow") return reply();
      gate.entered();
      void gate.opened.then(reply);
    },
  });
  const server = createH2cServer(handler, opts);
  return {
    server,
    get gate() {
      return gate;
    },
    resetGate: () => (gate = createGate()),
    async listen() {
      const { port } = await server.listen(0, "127.0.0.1");
      return { port, url: `http://127.0.0.1:${port}` };
    },
  };
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve("connected")));
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });

function grpcJsHealth(port: number) {
  const definition = protoLoader.loadSync("grpc/health/v1/health.proto", {
    includeDirs: [fileURLToPath(new URL("../../third_party/protos", import.meta.url))],
    enums: String,
  });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  return new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
}

describe("h2c server: one port, both protocols", () => {
  const s = startServer();
  let url: string;
  let port: number;
  before(async () => ({ url, port } = await s.listen()));
  after(() => s.server.close({ graceMs: 1_000 }));

  const transports = {
    "gRPC (h2c)": () => createGrpcTransport({ baseUrl: url }),
    "Connect over HTTP/1.1": () => createConnectTransport({ baseUrl: url, httpVersion: "1.1" }),
    "Connect over HTTP/2": () => createConnectTransport({ baseUrl: url, httpVersion: "2" }),
    "gRPC-Web over HTTP/1.1": () => createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1" }),
    "gRPC-Web over HTTP/2": () => createGrpcWebTransport({ baseUrl: url, httpVersion: "2" }),
  };
  for (const [name, transport] of Object.entries(transports)) {
    it(`serves ${name}`, async () => {
      const client: Client<typeof Health> = createClient(Health, transport());
      assert.equal((await client.check({ service: "" })).status, S.SERVING);
    });
  }

  it("serves a stock @grpc/grpc-js client", async () => {
    const client = grpcJsHealth(port);
    try {
      const res = await new Promise<any>((resolve, reject) => client.check({ service: "" }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
      assert.equal(res.status, "SERVING");
    } finally {
      client.close();
    }
  });

  it("serves plain HTTP/1.1 (fetch) and prior-knowledge HTTP/2 on the same port", async () => {
    const res = await fetch(`${url}/hello`);
    assert.equal(await res.text(), "hello over HTTP/1.1");
    const session = http2.connect(url);
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ":path": "/hello" });
      let text = "";
      stream.on("data", (c: Buffer) => (text += c.toString()));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    });
    session.close();
    assert.equal(body, "hello over HTTP/2.0");
  });

  it("handles a request whose bytes arrive one at a time", async () => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("close", () => resolve(text));
    });
    for (const ch of "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") {
      await new Promise<void>((resolve) => socket.write(ch, () => resolve()));
    }
    const text = await answer;
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(text.includes("hello over HTTP/1.1"));
  });
});

describe("h2c server timeouts", () => {
  it("closes a connection that sends nothing within the sniff timeout", async () => {
    const s = startServer({ sniffTimeoutMs: 50 });
    const { port } = await s.listen();
    try {
      const socket = net.connect(port, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      assert.equal(s.server.activeRequests, 0);
    } finally {
      await s.server.close();
    }
  });

  it("answers 408 and closes when HTTP/1.1 headers do not arrive in time", async () => {
    const s = startServer({ headersTimeoutMs: 100 });
    const { port } = await s.listen();
    try {
      const socket = net.connect(port, "127.0.0.1");
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.write("GET /hello HTTP/1.1\r\nHost: x\r\n");
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      assert.match(text, /^HTTP\/1\.1 408/);
    } finally {
      await s.server.close();
    }
  });

  it("sends GOAWAY to an idle HTTP/2 session but never cuts an open stream", async () => {
    const s = startServer({ idleTimeoutMs: 100 });
    const { url } = await s.listen();
    try {
      const busy = http2.connect(url);
      const busyGoaway = { seen: false };
      busy.on("goaway", () => (busyGoaway.seen = true));
      const slow = busy.request({ ":path": "/slow" });
      let slowBody = "";
      slow.on("data", (c: Buffer) => (slowBody += c.toString()));
      const slowDone = new Promise<void>((resolve) => slow.on("end", () => resolve()));
      await s.gate.reached;

      const idle = http2.connect(url);
      await new Promise<void>((resolve) => idle.once("goaway", () => resolve()));
      assert.equal(busyGoaway.seen, false, "the session with an open stream is left alone");
      s.gate.open();
      await slowDone;
      assert.equal(slowBody, "hello over HTTP/2.0");
      busy.close();
      idle.close();
    } finally {
      await s.server.close();
    }
  });
});

describe("h2c server graceful close", () => {
  it("lets in-flight HTTP/1.1 and gRPC requests finish, refuses new connections, then resolves", async () => {
    const s = startServer();
    const { port, url } = await s.listen();
    const grpcClient = createClient(Health, createGrpcTransport({ baseUrl: url }));
    const idleKeepAlive = await fetch(`${url}/hello`); // leaves an idle keep-alive connection
    await idleKeepAlive.text();

    const slowRest = fetch(`${url}/slow`);
    const restGate = s.gate;
    await restGate.reached;
    const grpcGate = s.resetGate();
    const slowGrpc = grpcClient.check({ service: "slow" });
    await grpcGate.reached;
    assert.equal(s.server.activeRequests, 2);

    let closed = false;
    const closing = s.server.close({ graceMs: 10_000 }).then(() => (closed = true));
    assert.equal(await refused(port), "ECONNREFUSED", "the listener is closed at once");
    assert.equal(closed, false, "close waits for in-flight requests");

    restGate.open();
    grpcGate.open();
    const [rest, rpc] = await Promise.all([slowRest, slowGrpc]);
    assert.equal(rest.status, 200);
    assert.equal(rest.headers.get("connection"), "close", "HTTP/1.1 answers during draining close the connection");
    assert.equal(await rest.text(), "hello over HTTP/1.1");
    assert.equal(rpc.status, S.SERVING);
    await closing;
    assert.equal(s.server.activeRequests, 0);
    await s.server.whenIdle();
  });

  it("destroys requests still open after graceMs", async () => {
    const s = startServer();
    const { url } = await s.listen();
    const stuck = fetch(`${url}/slow`).then(
      () => "answered",
      () => "failed",
    );
    await s.gate.reached;
    const idle = s.server.whenIdle();
    await s.server.close({ graceMs: 50 });
    assert.equal(await stuck, "failed");
    await idle;
    assert.equal(s.server.activeRequests, 0);
    s.gate.open();
  });

  it("closes at once when nothing is in flight, even with idle keep-alive connections and HTTP/2 sessions", async () => {
    const s = startServer();
    const { url } = await s.listen();
    await (await fetch(`${url}/hello`)).text();
    const session = http2.connect(url);
    await new Promise<void>((resolve) =>
      session
        .request({ ":path": "/hello" })
        .on("end", () => resolve())
        .resume(),
    );
    const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
    await s.server.close({ graceMs: 60_000 });
    await goaway;
    session.close();
    assert.equal(s.server.activeRequests, 0);
  });
});

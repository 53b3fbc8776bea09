import assert from "node:assert/strict";
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from "node:http2";
import net from "node:net";
import { describe, it } from "node:test";
import { createH2cServer, type H2cServerOptions } from "./h2c-server.js";

/** Answers "ok" once the request body has ended; `/hold` never answers (until the client goes away). */
async function start(opts: H2cServerOptions) {
  let holding = 0;
  const holdWaiters = new Set<() => void>();
  const server = createH2cServer((req, res) => {
    if (req.url === "/hold") {
      holding++;
      for (const wake of holdWaiters) wake();
      return;
    }
    req.resume();
    req.on("end", () => res.end("ok"));
  }, opts);
  const { port } = await server.listen(0, "127.0.0.1");
  /** Resolves once the handler has seen `n` requests for /hold. */
  const held = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => holding >= n && (holdWaiters.delete(check), resolve());
      holdWaiters.add(check);
      check();
    });
  return { server, port, url: `http://127.0.0.1:${port}`, held };
}

const connected = (session: ClientHttp2Session) => new Promise<void>((resolve) => session.once("remoteSettings", () => resolve()));
/** Resolves with the stream's RST_STREAM code. Tests end streams with CANCEL: node 20's client can hang closing with NO_ERROR after a server reset. */
const closed = (stream: ClientHttp2Stream) =>
  new Promise<number>((resolve) => {
    stream.on("error", () => undefined).resume();
    stream.once("close", () => resolve(stream.rstCode ?? -1));
  });
const body = (stream: ClientHttp2Stream) =>
  new Promise<string>((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8").on("data", (c: string) => (text += c));
    stream.once("end", () => resolve(text));
    stream.once("error", reject);
  });

describe("h2c server limits", () => {
  it("advertises at most 100 concurrent streams per session by default", async () => {
    const { server, url } = await start({});
    const session = http2.connect(url);
    try {
      await connected(session);
      assert.equal(session.remoteSettings.maxConcurrentStreams, 100);
    } finally {
      session.destroy();
      await server.close({ graceMs: 100 });
    }
  });

  it("resets a stream whose body stops arriving, but not one whose body ended", async () => {
    const { server, url } = await start({ bodyTimeoutMs: 200 });
    const session = http2.connect(url);
    try {
      const quiet = session.request({ ":method": "POST", ":path": "/echo" }, { endStream: false });
      quiet.write("part of a body");
      const finished = session.request({ ":method": "POST", ":path": "/echo" }, { endStream: false });
      finished.end("a whole body");
      assert.equal(await body(finished), "ok");
      assert.equal(await closed(quiet), http2.constants.NGHTTP2_CANCEL);
      assert.equal(server.activeRequests, 0);
    } finally {
      session.destroy();
      await server.close({ graceMs: 100 });
    }
  });

  it("never resets a long answer once the request body has ended", async () => {
    const { server, url } = await start({ bodyTimeoutMs: 100 });
    const session = http2.connect(url);
    try {
      const held = session.request({ ":method": "GET", ":path": "/hold" });
      const rst = closed(held);
      // Two more timeout periods pass while /hold waits; then a request on the same session still works.
      for (let i = 0; i < 2; i++) {
        const quiet = session.request({ ":method": "POST", ":path": "/echo" }, { endStream: false });
        assert.equal(await closed(quiet), http2.constants.NGHTTP2_CANCEL);
      }
      assert.equal(held.closed, false, "the held stream is still open");
      assert.equal(server.activeRequests, 1);
      held.close(http2.constants.NGHTTP2_CANCEL);
      await rst;
    } finally {
      session.destroy();
      await server.close({ graceMs: 100 });
    }
  });

  it("refuses streams past maxActiveRequests and serves again once one finishes", async () => {
    const { server, url, held: holding } = await start({ maxActiveRequests: 2 });
    const session = http2.connect(url);
    try {
      const held = [0, 1].map(() => session.request({ ":method": "GET", ":path": "/hold" }));
      const heldClosed = held.map(closed);
      await holding(2);
      assert.equal(server.activeRequests, 2);
      const refused = session.request({ ":method": "GET", ":path": "/echo" });
      assert.equal(await closed(refused), http2.constants.NGHTTP2_REFUSED_STREAM);

      const h1 = await fetch(`${url}/echo`);
      assert.equal(h1.status, 503);
      assert.equal(h1.headers.get("retry-after"), "1");
      await h1.text();

      held[0].close(http2.constants.NGHTTP2_CANCEL);
      await heldClosed[0];
      assert.equal(await body(session.request({ ":method": "GET", ":path": "/echo" })), "ok");
      held[1].close(http2.constants.NGHTTP2_CANCEL);
      await heldClosed[1];
    } finally {
      session.destroy();
      await server.close({ graceMs: 100 });
    }
  });

  it("counts streams served on the core API like requests: the same limit, the same body timeout", async () => {
    let taken: () => void = () => undefined;
    const served = new Promise<void>((resolve) => {
      taken = resolve;
    });
    const { server, url } = await start({
      maxActiveRequests: 1,
      bodyTimeoutMs: 200,
      // /core streams never answer: only the body timeout or the client ends them.
      streams: (headers) => (headers[":path"] === "/core" ? () => taken() : undefined),
    });
    const session = http2.connect(url);
    try {
      const quiet = session.request({ ":method": "POST", ":path": "/core" }, { endStream: false });
      const quietClosed = closed(quiet);
      await served;
      assert.equal(server.activeRequests, 1);
      const refused = session.request({ ":method": "GET", ":path": "/echo" });
      assert.equal(await closed(refused), http2.constants.NGHTTP2_REFUSED_STREAM, "over the limit");
      assert.equal(await quietClosed, http2.constants.NGHTTP2_CANCEL, "reset by the body timeout");
      assert.equal(await body(session.request({ ":method": "GET", ":path": "/echo" })), "ok", "other streams still reach the handler");
      assert.equal(server.activeRequests, 0);
    } finally {
      session.destroy();
      await server.close({ graceMs: 100 });
    }
  });

  it("closes connections past maxConnections at once", async () => {
    const { server, port, url } = await start({ maxConnections: 1 });
    const first = http2.connect(url);
    try {
      await connected(first);
      const second = net.connect(port, "127.0.0.1");
      await new Promise<void>((resolve) => second.once("close", () => resolve()));
      assert.equal(await body(first.request({ ":path": "/echo" })), "ok", "the first connection is still served");
    } finally {
      first.destroy();
      await server.close({ graceMs: 100 });
    }
  });
});

import assert from "node:assert/strict";
import http from "node:http";
import { describe, it } from "node:test";
import { createH2cServer, type H2cServerOptions } from "./h2c-server.js";

/** A server whose /stream answers "a", stays quiet for `quietMs`, then answers "b" and ends. */
async function start(opts: H2cServerOptions, quietMs: number) {
  const server = createH2cServer((req, res) => {
    req.resume();
    // Only HTTP/1.1 comes here: the test's client is node:http.
    const h1 = res as http.ServerResponse;
    h1.writeHead(200, { "content-type": "text/plain" });
    h1.write("a");
    const timer = setTimeout(() => h1.end("b"), quietMs);
    res.once("close", () => clearTimeout(timer));
  }, opts);
  const { port } = await server.listen(0, "127.0.0.1");
  return { server, port };
}

/** The HTTP/1.1 body of GET /stream, or the error that cut it. */
const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ port, host: "127.0.0.1", path: "/stream", agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.once("end", () => resolve(text));
        res.once("error", reject);
        res.once("aborted", () => reject(new Error(`cut after ${JSON.stringify(text)}`)));
      })
      .once("error", reject);
  });

describe("h2c server long-lived HTTP/1.1 responses", () => {
  const timeouts = { idleTimeoutMs: 200, requestTimeoutMs: 200, headersTimeoutMs: 200 };

  it("cuts an HTTP/1.1 response that stays quiet past the idle timeout", async () => {
    const { server, port } = await start(timeouts, 1_000);
    try {
      await assert.rejects(get(port));
    } finally {
      await server.close({ graceMs: 100 });
    }
  });

  it("keeps a quiet HTTP/1.1 response that isLongLived names open past the idle and request timeouts", async () => {
    const { server, port } = await start({ ...timeouts, isLongLived: (req) => req.url === "/stream" }, 1_000);
    try {
      assert.equal(await get(port), "ab");
    } finally {
      await server.close({ graceMs: 100 });
    }
  });
});

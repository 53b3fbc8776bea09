import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { type CorsOptions, createCors } from "./cors.js";

const options = (allowedOrigins: string[]): CorsOptions => ({
  allowedOrigins,
  allowedMethods: ["GET", "POST"],
  allowedHeaders: ["Content-Type", "Connect-Protocol-Version"],
  exposedHeaders: ["Grpc-Status"],
});

/** A server whose routes answer 200 "routed" after the CORS step. */
async function serve(opts: CorsOptions) {
  const cors = createCors(opts);
  const server = http.createServer((req, res) => {
    if (cors(req, res)) return;
    res.end("routed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const preflight = (url: string, origin: string) =>
  fetch(`${url}/x`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });

describe("createCors", () => {
  it("adds nothing and answers no preflight when no origin is allowed", async () => {
    const s = await serve(options([]));
    try {
      const res = await preflight(s.url, "https://app.example");
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      assert.equal(await res.text(), "routed", "OPTIONS went on to the routes");
    } finally {
      await s.close();
    }
  });

  it("answers a preflight from an allowed origin and lets the actual request through with its headers", async () => {
    const s = await serve(options(["https://app.example"]));
    try {
      const res = await preflight(s.url, "https://app.example");
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
      assert.equal(res.headers.get("access-control-allow-methods"), "GET,POST");
      assert.equal(res.headers.get("access-control-allow-headers"), "Content-Type,Connect-Protocol-Version");
      const actual = await fetch(`${s.url}/x`, { method: "POST", headers: { origin: "https://app.example" } });
      assert.equal(await actual.text(), "routed");
      assert.equal(actual.headers.get("access-control-allow-origin"), "https://app.example");
      assert.equal(actual.headers.get("access-control-expose-headers"), "Grpc-Status");
      const other = await preflight(s.url, "https://evil.example");
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    } finally {
      await s.close();
    }
  });

  it("allows any origin with *", async () => {
    const s = await serve(options(["*"]));
    try {
      assert.equal((await preflight(s.url, "https://anyone.example")).headers.get("access-control-allow-origin"), "*");
    } finally {
      await s.close();
    }
  });
});

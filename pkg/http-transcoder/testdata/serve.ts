import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import type { HttpTranscoder } from "../http-transcoder.js";

/** A started test server: its base URL and a close function. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` with connectNodeAdapter and the transcoder as its fallback, the way the service
 * mounts it, on a real HTTP/1.1 (default) or h2c server on port 0.
 */
export async function serveWithTranscoder(
  rest: HttpTranscoder,
  routes: (router: ConnectRouter) => void,
  interceptors: Interceptor[],
  protocol: "http1" | "h2c" = "http1",
): Promise<TestServer> {
  const handler = connectNodeAdapter({
    routes,
    interceptors,
    fallback: (req, res) => {
      void rest(req, res).then((handled) => {
        if (!handled) {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("not found");
        }
      });
    },
  });
  const server = protocol === "http1" ? http.createServer(handler) : http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
        for (const session of sessions) session.destroy();
      }),
  };
}

/** The parts of an HTTP/2 answer the tests look at. */
export interface H2Answer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: string;
}

/** One request over a fresh h2c connection (prior knowledge), for methods and framing fetch can't do. */
export function h2Request(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({ ":method": method, ":path": path, ...headers }, { endStream: body === undefined });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      resolve({ status: Number(responseHeaders[":status"]), headers: responseHeaders, body: Buffer.concat(chunks).toString("utf8") });
    });
    if (body !== undefined) stream.end(body);
  });
}

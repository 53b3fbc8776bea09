import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Registry } from "prom-client";
import type { Logger } from "../../internal/app/ports.js";

/**
 * `GET /metrics`: the registry in Prometheus' text format. Served from the first moment (process
 * metrics while the service starts), without credentials like the probes: no label carries an
 * id, a name or a URL.
 */
export function createMetricsRoute(
  registry: Registry,
  log: Logger,
): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => boolean {
  return (req, res) => {
    if ((req.url ?? "/").split("?")[0] !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-cache" });
        if (req.method === "HEAD") res.end();
        else res.end(text);
      },
      (err: unknown) => {
        log.error({ err }, "metrics collection failed");
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics collection failed\n");
      },
    );
    return true;
  };
}

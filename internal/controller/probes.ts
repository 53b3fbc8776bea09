import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Logger } from "../app/ports.js";
import { CHECK_TIMEOUT_MS, type DependencyCheck, type Readiness, withTimeout } from "./readiness.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * Kubernetes probes (SPEC §7). Whoever can reach the port can read them, so they name each check
 * and whether it passed, never why (hosts, ports and database names stay in the logs):
 * - `/healthz`: 200 while the process serves; checks nothing, so it never restarts a pod
 *   because a dependency is down.
 * - `/readiness`: the Readiness verdict (the one gRPC health follows): 200 only when started and
 *   the database takes writes; 503 "heating engines" while starting, "draining" during shutdown,
 *   "database unavailable" while it is down or read-only, so traffic moves away.
 * - `/liveness`: every dependency (database, Pub/Sub when enabled), 200 or 500 with one entry each.
 */
export function createProbes(deps: {
  readiness: Readiness;
  /** The /liveness checks: the database and whatever else the process depends on now. */
  dependencies: () => Record<string, DependencyCheck>;
  app: { name: string; version: string };
  log: Logger;
}) {
  const send = (res: Res, status: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(data);
  };

  return async function handleProbe(req: Req, res: Res): Promise<boolean> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    switch (path) {
      case "/healthz":
        send(res, 200, { status: "ok" });
        return true;
      case "/readiness": {
        const state = deps.readiness.current().lifecycle === "ready" ? await deps.readiness.refresh() : deps.readiness.current();
        if (state.lifecycle !== "ready") {
          send(res, 503, { status: state.lifecycle === "starting" ? "heating engines" : "draining" });
          return true;
        }
        send(res, state.ready ? 200 : 503, { status: state.ready ? "ready" : "database unavailable", ...deps.app, checks: { database: { ok: state.ready } } });
        return true;
      }
      case "/liveness": {
        const entries = Object.entries(deps.dependencies());
        const results = await Promise.all(
          entries.map(async ([name, check]) => {
            try {
              await withTimeout(check(), CHECK_TIMEOUT_MS);
              return [name, { ok: true }] as const;
            } catch (err) {
              deps.log.warn({ check: name, err }, "liveness check fails");
              return [name, { ok: false }] as const;
            }
          }),
        );
        const ok = results.every(([, r]) => r.ok);
        send(res, ok ? 200 : 500, { status: ok ? "healthy" : "unhealthy", checks: Object.fromEntries(results) });
        return true;
      }
      default:
        return false;
    }
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** Where the process is in its life: probes and gRPC health follow this. */
export type Lifecycle = "starting" | "ready" | "draining";

/** A dependency check: resolves when healthy, rejects with the reason otherwise. */
export type DependencyCheck = () => Promise<void>;

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Kubernetes probes (SPEC §7):
 * - `/healthz`: 200 while the process serves; checks nothing, so it never restarts a pod
 *   because a dependency is down.
 * - `/readiness`: 200 only when started (migrations applied) and the database answers; 503
 *   "heating engines" while starting and "draining" during shutdown, so traffic moves away.
 * - `/liveness`: every dependency (database, Pub/Sub when enabled), 200 or 500 with one entry each.
 */
export function createProbes(deps: {
  lifecycle: () => Lifecycle;
  database: DependencyCheck;
  dependencies: () => Record<string, DependencyCheck>;
  app: { name: string; version: string };
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
        const state = deps.lifecycle();
        if (state !== "ready") {
          send(res, 503, { status: state === "starting" ? "heating engines" : "draining" });
          return true;
        }
        const db = await check(deps.database);
        send(res, db.ok ? 200 : 503, { status: db.ok ? "ready" : "database unavailable", ...deps.app, checks: { database: db } });
        return true;
      }
      case "/liveness": {
        const entries = Object.entries({ database: deps.database, ...deps.dependencies() });
        const results = Object.fromEntries(await Promise.all(entries.map(async ([name, fn]) => [name, await check(fn)] as const)));
        const ok = Object.values(results).every((r) => r.ok);
        send(res, ok ? 200 : 500, { status: ok ? "healthy" : "unhealthy", checks: results });
        return true;
      }
      default:
        return false;
    }
  };
}

async function check(fn: DependencyCheck): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (e) {
    // The reason is useful to an operator and names no data; keep it to its first line.
    return { ok: false, error: String((e as Error).message ?? e).split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
}

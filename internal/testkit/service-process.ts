import { freePort } from "../../pkg/free-port.js";
import { TEST_JWT_SECRET } from "./auth.js";
import { holdsListeningPort } from "./listening-socket.js";
import { TEST_PAGE_TOKEN_SECRET } from "./page-tokens.js";
import { type ScriptProcess, spawnScript } from "./processes.js";

export interface ServiceProcess {
  /** http://127.0.0.1:<HTTP_PORT>: REST /v1, probes, Connect, gRPC-Web (and gRPC). */
  readonly httpUrl: string;
  /** http://127.0.0.1:<GRPC_PORT>: gRPC over h2c. */
  readonly grpcUrl: string;
  readonly grpcPort: number;
  readonly process: ScriptProcess;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Polls /readiness (as Kubernetes would) until 200 from this process (not another test's server
 * that took the port between freePort() and our bind); "exited" if the process exits first.
 */
async function waitUntilReady(url: string, port: number, proc: ScriptProcess, timeoutMs = 60_000): Promise<"ready" | "exited" | "timed out"> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok && holdsListeningPort(proc.pid, port) !== false) return "ready";
    await new Promise((r) => setTimeout(r, 50));
  }
  return exited ? "exited" : "timed out";
}

/** The server's one line for a port someone else holds (cmd/wiring/startup-error.ts). */
const BUSY_PORT = /(?:HTTP_PORT|GRPC_PORT) \d+ is already in use/;
const START_ATTEMPTS = 3;

/**
 * Starts the real server (`cmd/server.ts` through tsx, as `npm run dev` does; or `script` with
 * `nodeArgs`, e.g. the compiled `dist/cmd/server.js`) on free ports against `dsn` and resolves
 * once /readiness answers 200 (migrations applied, API serving).
 */
export async function startServiceProcess(opts: {
  dsn: string;
  env?: NodeJS.ProcessEnv;
  script?: string;
  nodeArgs?: readonly string[];
  /** Where ports come from (default freePort); a test of the retry hands out a busy one. */
  pickPort?: () => Promise<number>;
}): Promise<ServiceProcess> {
  const pickPort = opts.pickPort ?? (() => freePort());
  for (let attempt = 1; ; attempt++) {
    const [httpPort, grpcPort] = [await pickPort(), await pickPort()];
    const proc = spawnScript(opts.script ?? "cmd/server.ts", {
      nodeArgs: opts.nodeArgs,
      env: {
        PG_DSN: opts.dsn,
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(grpcPort),
        PUBSUB_ENABLED: "false",
        LOG_LEVEL: "info",
        // Never the real SpaceX from a test: a closed port fails the background sync at once.
        SPACEX_API_URL: "http://127.0.0.1:9/v4",
        // A shared database needs a shared key; tests mint tokens with it (testkit/auth.ts).
        JWT_SECRET: TEST_JWT_SECRET,
        // A shared database needs a shared key.
        PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
        ...opts.env,
      },
    });
    const outcome = await waitUntilReady(`http://127.0.0.1:${httpPort}/readiness`, httpPort, proc);
    if (outcome === "ready") return serviceProcess(proc, httpPort, grpcPort);
    // freePort() cannot reserve a port: between its close and the server's bind, another test's
    // server or an outgoing connection's ephemeral port may take it. The server then says so in
    // one line and exits 1; that is the test machine's race, not the service's: try other ports.
    if (outcome === "exited" && attempt < START_ATTEMPTS && BUSY_PORT.test(proc.stdout() + proc.stderr())) continue;
    proc.kill("SIGKILL");
    throw new Error(`the service never became ready (${outcome})\n--- stdout ---\n${proc.stdout()}\n--- stderr ---\n${proc.stderr()}`);
  }
}

function serviceProcess(proc: ScriptProcess, httpPort: number, grpcPort: number): ServiceProcess {
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    grpcPort,
    process: proc,
    async stop() {
      proc.kill("SIGTERM");
      return (await proc.exited).code;
    },
  };
}

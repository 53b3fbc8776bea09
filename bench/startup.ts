/**
 * Startup bench (`npm run bench -- startup`): time to ready and idle RSS of the server as the
 * image runs it (`node dist/cmd/server.js`, built first), with PostgreSQL already up and the
 * schema current, against a bare `node -e "require('http').createServer().listen(0)"` measured in
 * the same run. Targets: ready ≤ 1.5 s, idle RSS ≤ 120 MB.
 *
 * Rows: the default configuration (relay off, as `npm start`), the relay on (against a Pub/Sub
 * emulator, when one is installed), and the development command (tsx) for comparison. The
 * service syncs from the SpaceX fixture server at start-up, as it would from SpaceX; "idle" is
 * after that run has been recorded. RSS counts the whole process tree (tsx's esbuild helper
 * included).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { startSpacexFixtureServer } from "../internal/testkit/spacex-fixture-server/server.js";
import { freePort } from "../pkg/free-port.js";
import { TEST_JWT_SECRET } from "../internal/testkit/auth.js";
import { TEST_PAGE_TOKEN_SECRET } from "../internal/testkit/page-tokens.js";
import { createTestDatabase } from "../internal/testkit/postgres.js";
import { REPO_ROOT } from "../internal/testkit/processes.js";
import { startPubsubEmulator } from "../internal/testkit/pubsub-emulator.js";
import { buildDist, PRODUCTION_SERVER } from "./production-server.js";
const line = (text: string): void => console.log(text);

const RUNS = 3;
const TARGET_READY_MS = 1_500;
const TARGET_RSS_MB = 120;
/** How long the process sits idle after its start-up work before RSS is read. */
const IDLE_MS = 3_000;
/** The production command of the Dockerfile (`npm start` runs the same); its environment is PRODUCTION_SERVER.env. */
export const SERVER_ARGS = [...PRODUCTION_SERVER.nodeArgs, PRODUCTION_SERVER.script];

interface Sample {
  readonly readyMs: number;
  readonly rssMb: number;
}

/** RSS of a process and all its descendants, from /proc (Linux). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process exited while we listed /proc
    }
  }
  let kb = 0;
  const visit = (pid: number): void => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += match ? Number(match[1]) : 0;
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return kb / 1024;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Polls `ready()` every 10 ms until it holds; fails when the child exits first. */
async function until(child: ChildProcess, ready: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await ready().catch(() => false)) return;
    await wait(10);
  }
  throw new Error(`${what}: not ready within 60 s`);
}

/** The bare-Node baseline: ready when it listens, idle RSS after IDLE_MS. */
async function baseline(): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", "require('http').createServer().listen(0, () => console.log('listening'))"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`baseline exited with ${code}`)));
    });
    const readyMs = performance.now() - started;
    await wait(IDLE_MS);
    return { readyMs, rssMb: treeRssMb(child.pid as number) };
  } finally {
    await stop(child);
  }
}

/** One server start: time until /readiness answers 200, then RSS once the start-up sync is recorded and IDLE_MS passed. */
async function serverRun(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${httpPort}`;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await until(child, async () => (await fetch(`${base}/readiness`)).status === 200, "readiness");
    const readyMs = performance.now() - started;
    await until(
      child,
      async () => {
        const status = (await (await fetch(`${base}/v1/sync`)).json()) as { running: boolean; launches: { lastRun?: unknown } };
        return !status.running && status.launches.lastRun !== undefined;
      },
      "start-up sync",
    );
    await wait(IDLE_MS);
    return { readyMs, rssMb: treeRssMb(child.pid as number) };
  } finally {
    await stop(child);
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(name: string, samples: readonly Sample[], base?: Sample, checked = false): void {
  const ready = median(samples.map((s) => s.readyMs));
  const rss = median(samples.map((s) => s.rssMb));
  const worstRss = Math.max(...samples.map((s) => s.rssMb));
  const worstReady = Math.max(...samples.map((s) => s.readyMs));
  const vs = base ? `  (+${(rss - base.rssMb).toFixed(0)} MB, +${(ready - base.readyMs).toFixed(0)} ms over bare node)` : "";
  // The verdict takes the medians: a single run on a shared machine can be slowed by anything.
  const verdict = checked
    ? `  medians ${ready <= TARGET_READY_MS && rss <= TARGET_RSS_MB ? "within" : "OVER"} the targets (${TARGET_READY_MS} ms, ${TARGET_RSS_MB} MB)`
    : "";
  line(
    `${name.padEnd(34)} ready ${ready.toFixed(0).padStart(5)} ms (max ${worstReady.toFixed(0)})  idle RSS ${rss.toFixed(1).padStart(6)} MB (max ${worstRss.toFixed(1)})${vs}${verdict}`,
  );
}

export async function runStartupBench(): Promise<void> {
  line(`node ${process.version}; building dist/ (npm run build)`);
  const t0 = performance.now();
  buildDist();
  line(`build ${(performance.now() - t0).toFixed(0)} ms`);

  const db = await createTestDatabase();
  const spacex = await startSpacexFixtureServer({ shiftYears: new Date().getUTCFullYear() - 2022 + 1 });
  const emulator = await startPubsubEmulator().catch((e: Error) => {
    line(`no Pub/Sub emulator (${e.message.split("\n")[0]}): the relay-on row is left out`);
    return undefined;
  });
  // A DSN means shared keys (the server refuses to start without them).
  const env = { PG_DSN: db.dsn, JWT_SECRET: TEST_JWT_SECRET, PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET, SPACEX_API_URL: spacex.url, PUBSUB_ENABLED: "false" };
  const rows: { name: string; args: readonly string[]; env: NodeJS.ProcessEnv; checked: boolean; samples: Sample[] }[] = [
    { name: "server (node dist/, relay off)", args: SERVER_ARGS, env: { ...PRODUCTION_SERVER.env, ...env }, checked: true, samples: [] },
    ...(emulator
      ? [
          {
            name: "server (node dist/, relay on)",
            args: SERVER_ARGS,
            env: { ...PRODUCTION_SERVER.env, ...env, PUBSUB_ENABLED: "true", PUBSUB_EMULATOR_HOST: emulator.host, PUBSUB_PROJECT_ID: emulator.projectId },
            checked: false,
            samples: [],
          },
        ]
      : []),
    { name: "dev: node --import tsx (relay off)", args: ["--import", "tsx", "cmd/server.ts"], env, checked: false, samples: [] },
  ];
  const bare: Sample[] = [];
  try {
    // Interleaved, so machine noise hits every row alike.
    for (let i = 0; i < RUNS; i++) {
      bare.push(await baseline());
      for (const row of rows) row.samples.push(await serverRun(row.args, row.env));
    }
  } finally {
    await emulator?.stop();
    await spacex.close();
    await db.drop();
  }
  const base = { readyMs: median(bare.map((s) => s.readyMs)), rssMb: median(bare.map((s) => s.rssMb)) };
  line(`median of ${RUNS} runs each; Postgres up and migrated; idle = ${IDLE_MS} ms after the start-up sync`);
  report("bare node http server", bare);
  for (const row of rows) report(row.name, row.samples, base, row.checked);
}

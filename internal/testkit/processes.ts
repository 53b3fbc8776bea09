import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Repository root, so child scripts resolve `tsx` and relative paths the same from any cwd. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A TypeScript script running in its own `node --import tsx` process. */
export interface ScriptProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first or on timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends one line on the process's stdin (e.g. a "go" for a start barrier). */
  send(line: string): void;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  kill(signal?: NodeJS.Signals): void;
  /** Signals the whole process group, as a terminal's Ctrl-C does (needs `detached`). */
  killGroup(signal: NodeJS.Signals): void;
}

/**
 * Spawns `node --import tsx <script> ...args` from the repository root, for tests that need
 * real separate processes: several replicas racing on one database, a process killed with
 * SIGKILL mid-work, signal handling. Output is collected so a failing assertion can show it.
 * `nodeArgs` replaces `--import tsx`, e.g. to run compiled JavaScript from dist/.
 */
export function spawnScript(
  script: string,
  opts: { args?: readonly string[]; env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[]; detached?: boolean } = {},
): ScriptProcess {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? ["--import", "tsx"]), script, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, with everything it spawns: what a terminal gives `npm start`.
    detached: opts.detached ?? false,
  });
  let out = "";
  let err = "";
  const lineWaiters = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const check of lineWaiters) check();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  child.stdin.on("error", () => undefined); // the child may exit before reading its stdin
  const exited = new Promise<Exit>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
    for (const check of lineWaiters) check();
  });

  return {
    pid: child.pid ?? -1,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    send: (line) => void child.stdin.write(`${line}\n`),
    kill: (signal = "SIGTERM") => void child.kill(signal),
    killGroup: (signal) => {
      if (!opts.detached || child.pid === undefined) throw new Error("killGroup needs a detached process");
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    },
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const finish = (e?: Error, line?: string) => {
          clearTimeout(timer);
          lineWaiters.delete(check);
          if (e) reject(new Error(`${script}: ${e.message}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
          else resolve(line ?? "");
        };
        const check = () => {
          const lines = out.split("\n");
          if (!exit) lines.pop(); // not yet terminated by a newline: may still be growing
          const line = lines.find((l) => pattern.test(l));
          if (line !== undefined) finish(undefined, line);
          else if (exit) finish(new Error(`exited (code ${exit.code}, signal ${exit.signal}) before printing ${pattern}`));
        };
        lineWaiters.add(check);
        check();
      });
    },
  };
}

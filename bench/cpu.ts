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

import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** TCP state "LISTEN" in /proc/net/tcp. */
const LISTEN = "0A";

/**
 * Whether process `pid` holds the socket listening on TCP `port` (Linux /proc), or undefined
 * where /proc cannot say. Test ports come from freePort(), which closes the port again before
 * the child binds it: another test's server may take it first, and then a readiness probe on
 * that port is answered by the wrong process while ours fails to bind.
 */
export function holdsListeningPort(pid: number, port: number): boolean | undefined {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    readable = true;
    // Columns: sl, local_address (hex ip:port), rem_address, st, ..., inode (10th).
    for (const row of text.split("\n").slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f[1]?.endsWith(portHex) && f[3] === LISTEN) inodes.add(f[9]);
    }
  }
  if (!readable) return undefined;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // the process is gone
  }
  return fds.some((fd) => {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return socket !== null && inodes.has(socket[1]);
    } catch {
      return false; // closed meanwhile
    }
  });
}

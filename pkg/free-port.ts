import { createServer } from "node:net";

/**
 * Asks the OS for a free TCP port on 127.0.0.1 by listening on port 0 and closing again.
 *
 * Used where a child server (PostgreSQL, the Pub/Sub emulator) needs a port chosen *before* it
 * starts, so it never collides with a fixed default such as a system PostgreSQL on 5432. Another
 * process could take the port in the moment between close and the child's bind; callers make
 * a bind failure loud instead of retrying silently.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("the OS returned no port"))));
    });
  });
}

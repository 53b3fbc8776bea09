/**
 * A start-up failure the operator can fix from its message alone (a busy port, a port that
 * needs privileges): `cmd/server.ts` prints it as one line and exits 1, without a stack.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Listens with `listen`, turning the errors an operator causes into a StartupError that names the setting. */
export async function listenOn<T>(setting: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "EADDRINUSE")
      throw new StartupError(`${setting} ${port} is already in use: stop what holds it or set ${setting} to a free port`, { cause: e });
    if (code === "EACCES") throw new StartupError(`${setting} ${port} needs privileges this process lacks: set ${setting} to a port above 1023`, { cause: e });
    throw e;
  }
}

import { after, before } from "node:test";
import { type DatabaseHandle, openDatabase } from "../infra/postgres/db.js";
import { createTestDatabase } from "./postgres.js";

/**
 * Registers `before`/`after` hooks that give the calling file its own migrated database and a
 * pool on it; read `handle` inside tests (it is set by `before`).
 */
export function useDatabaseHandle(opts: { poolMax?: number } = {}): { readonly handle: DatabaseHandle } {
  let handle: DatabaseHandle | undefined;
  let drop: () => Promise<void> = async () => undefined;
  before(async () => {
    const tdb = await createTestDatabase();
    drop = tdb.drop;
    handle = openDatabase({ dsn: tdb.dsn, poolMax: opts.poolMax ?? 5 });
  });
  after(async () => {
    await handle?.close();
    await drop();
  });
  return {
    get handle() {
      if (!handle) throw new Error("the database is opened by the before hook");
      return handle;
    },
  };
}

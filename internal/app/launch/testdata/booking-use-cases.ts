import { after, before } from "node:test";
import { createLaunchUseCases, type LaunchUseCases } from "../../../../cmd/wiring/launch.js";
import { type DatabaseHandle, openDatabase } from "../../../infra/postgres/db.js";
import { createTestDatabase } from "../../../testkit/postgres.js";

export interface BookingTestContext {
  /** The file's own database (a migrated copy of the template). */
  readonly handle: DatabaseHandle;
  /** The use cases wired as in the server, with a pinned clock. */
  readonly uc: LaunchUseCases;
}

/**
 * Registers `before`/`after` hooks that give the calling test file its own database and the
 * booking use cases over it; read the fields inside tests (they are set by `before`).
 */
export function useBookingUseCases(opts: { launchCapacity: number; now: Date; poolMax?: number }): BookingTestContext {
  const ctx = {} as { handle: DatabaseHandle; uc: LaunchUseCases };
  let drop: () => Promise<void> = async () => undefined;
  before(async () => {
    const tdb = await createTestDatabase();
    drop = tdb.drop;
    ctx.handle = openDatabase({ dsn: tdb.dsn, poolMax: opts.poolMax ?? 5 });
    ctx.uc = createLaunchUseCases({ db: ctx.handle.db, launchCapacity: opts.launchCapacity, clock: () => opts.now });
  });
  after(async () => {
    await ctx.handle?.close();
    await drop();
  });
  return ctx;
}

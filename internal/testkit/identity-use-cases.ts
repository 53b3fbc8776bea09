import { after, before } from "node:test";
import { createIdentity, type Identity, type IdentitySettings } from "../../cmd/wiring/identity.js";
import type { PasswordHasher } from "../app/identity/ports.js";
import { type DatabaseHandle, openDatabase } from "../infra/postgres/db.js";
import { TEST_JWT_SECRET, testAuthSettings } from "./auth.js";
import { createTestDatabase } from "./postgres.js";

export interface IdentityTestContext {
  readonly handle: DatabaseHandle;
  /** Identity wired as in the server (Argon2id, jose, Postgres), over the file's own database. */
  readonly identity: Identity;
  /** The same database with another password hasher, e.g. one with older parameters. */
  withHasher(hasher: PasswordHasher): Identity;
}

/**
 * Registers `before`/`after` hooks that give the calling file its own database and the identity
 * use cases over it, with the shipped auth settings overlaid by `settings`.
 */
export function useIdentityUseCases(settings: Partial<IdentitySettings> = {}): IdentityTestContext {
  const ctx = {} as { handle: DatabaseHandle; identity: Identity };
  let drop: () => Promise<void> = async () => undefined;
  const full = (): IdentitySettings => ({ ...testAuthSettings(), jwtSecret: Buffer.from(TEST_JWT_SECRET), ...settings });
  before(async () => {
    const tdb = await createTestDatabase();
    drop = tdb.drop;
    ctx.handle = openDatabase({ dsn: tdb.dsn, poolMax: 10 });
    ctx.identity = createIdentity({ db: ctx.handle.db, settings: full() });
  });
  after(async () => {
    await ctx.handle?.close();
    await drop();
  });
  return {
    get handle() {
      return ctx.handle;
    },
    get identity() {
      return ctx.identity;
    },
    withHasher: (hasher) => createIdentity({ db: ctx.handle.db, settings: full(), hasher }),
  };
}

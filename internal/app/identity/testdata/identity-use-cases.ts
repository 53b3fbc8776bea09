import { createIdentity, type Identity, type IdentitySettings } from "../../../../cmd/wiring/identity.js";
import type { PasswordHasher } from "../ports.js";
import type { DatabaseHandle } from "../../../infra/postgres/db.js";
import { TEST_JWT_SECRET, testAuthSettings } from "../../../testkit/auth.js";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";

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
  const db = useDatabaseHandle({ poolMax: 10 });
  const full = (): IdentitySettings => ({ ...testAuthSettings(), jwtSecret: Buffer.from(TEST_JWT_SECRET), ...settings });
  let identity: Identity | undefined;
  return {
    get handle() {
      return db.handle;
    },
    get identity() {
      identity ??= createIdentity({ db: db.handle.db, settings: full() });
      return identity;
    },
    withHasher: (hasher) => createIdentity({ db: db.handle.db, settings: full(), hasher }),
  };
}

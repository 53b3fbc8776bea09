import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Config } from "../../config/config.js";
import { createGetMe } from "../../internal/app/identity/get-me.js";
import { createGrantOperator } from "../../internal/app/identity/grant-operator.js";
import { createLogin } from "../../internal/app/identity/login.js";
import type { PasswordHasher } from "../../internal/app/identity/ports.js";
import { createRegister } from "../../internal/app/identity/register.js";
import type { Clock, IdGenerator, Logger } from "../../internal/app/ports.js";
import { createArgon2PasswordHasher } from "../../internal/infra/auth/argon2-password-hasher.js";
import { createJwtTokens } from "../../internal/infra/auth/jwt-tokens.js";
import { createLoginThrottle } from "../../internal/infra/postgres/identity/login-throttle.js";
import { createUserRepository } from "../../internal/infra/postgres/identity/user-repository.js";
import type { Database } from "../../internal/infra/postgres/schema.js";
import { resolveProcessSecret } from "./process-secret.js";

/** The settings identity reads (Config's `auth` section, with the key resolved). */
export type IdentitySettings = Omit<Config["auth"], "jwtSecret"> & { readonly jwtSecret: Uint8Array };

/**
 * The key tokens are signed with: JWT_SECRET, or, on the embedded default without one, 32
 * random bytes for this process only (config refuses a shared database without JWT_SECRET).
 */
export function resolveJwtSecret(auth: Config["auth"], log: Logger): Uint8Array {
  return resolveProcessSecret(auth.jwtSecret, { env: "JWT_SECRET", signs: "tokens" }, log);
}

/**
 * Identity wired to Postgres, Argon2id and jose: the AuthService use cases, the grant command's
 * use case and the token verifier the auth interceptor needs. Shared by the server, the
 * `user:operator` command and the tests.
 */
export function createIdentity(deps: { db: Kysely<Database>; settings: IdentitySettings; clock?: Clock; ids?: IdGenerator; hasher?: PasswordHasher }) {
  const clock = deps.clock ?? (() => new Date());
  const ids = deps.ids ?? randomUUID;
  const { settings } = deps;
  const users = createUserRepository(deps.db);
  const hasher = deps.hasher ?? createArgon2PasswordHasher();
  const tokens = createJwtTokens(
    { secret: settings.jwtSecret, issuer: settings.jwtIssuer, audience: settings.jwtAudience, ttlMs: settings.jwtTtlMs },
    { clock, ids },
  );
  const operatorUsernames = new Set(settings.operatorUsernames);
  return {
    tokens,
    register: createRegister({ users, hasher, clock, ids }),
    login: createLogin({
      users,
      hasher,
      tokens,
      throttle: createLoginThrottle(deps.db),
      policy: {
        maxFailuresPerUsername: settings.loginMaxFailures,
        maxFailuresPerAddress: settings.loginMaxFailuresPerAddress,
        windowMs: settings.loginFailureWindowMs,
      },
      operatorUsernames,
    }),
    getMe: createGetMe({ users, operatorUsernames }),
    grantOperator: createGrantOperator({ users }),
  };
}
export type Identity = ReturnType<typeof createIdentity>;

import { DomainError } from "../../domain/errors.js";
import { normalizeUsername } from "../../domain/identity/credentials.js";
import type { Principal } from "../../domain/identity/principal.js";
import { effectiveRole, profileOf, type UserProfile } from "../../domain/identity/user.js";
import { type LoginPolicy, throttleKeys } from "./login-policy.js";
import type { IssuedToken, LoginThrottle, PasswordHasher, TokenIssuer, UserRepository } from "./ports.js";

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** The caller's network address, for the per-address limit; absent when unknown. */
  readonly clientAddress?: string;
}

export interface LoginResult extends IssuedToken {
  readonly user: UserProfile;
}

/** One answer for an unknown user and a wrong password: the caller cannot tell them apart. */
const invalidCredentials = () => new DomainError("unauthenticated", "INVALID_CREDENTIALS", "invalid username or password");

/**
 * Login: checks the password and issues a bearer token carrying the effective role (stored role,
 * or operator for the usernames in OPERATOR_USERNAMES).
 *
 * - Attempts are counted per username and per client address before any password work; over
 *   the limit the answer is RESOURCE_EXHAUSTED with the time until the window ends, for known
 *   and unknown usernames alike.
 * - An unknown user costs the same Argon2 verification as a known one (against a dummy hash)
 *   and gets the same UNAUTHENTICATED answer, so neither the answer nor its timing tells
 *   whether a username exists.
 * - A hash made with older parameters is replaced on a successful login, while the plain
 *   password is at hand.
 */
export function createLogin(deps: {
  users: UserRepository;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  throttle: LoginThrottle;
  policy: LoginPolicy;
  operatorUsernames: ReadonlySet<string>;
}) {
  return async (input: LoginInput): Promise<LoginResult> => {
    const username = normalizeUsername(input.username);
    const keys = throttleKeys(username, input.clientAddress, deps.policy);
    const verdict = await deps.throttle.reserve(keys, deps.policy.windowMs);
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      throw new DomainError("exhausted", "TOO_MANY_LOGIN_ATTEMPTS", `too many failed logins; retry in ${seconds} s`, { retryAfterMs: verdict.retryAfterMs });
    }
    const user = await deps.users.findByUsername(username);
    const matches = user ? await deps.hasher.verify(user.passwordHash, input.password) : await deps.hasher.verifyDummy(input.password);
    if (!user || !matches) throw invalidCredentials();

    await deps.throttle.refund(keys);
    if (deps.hasher.needsRehash(user.passwordHash)) {
      await deps.users.replacePasswordHash(user.id, user.passwordHash, await deps.hasher.hash(input.password));
    }
    const principal: Principal = { userId: user.id, username: user.username, role: effectiveRole(user, deps.operatorUsernames) };
    const issued = await deps.tokens.issue(principal);
    return { ...issued, user: profileOf(user, principal.role) };
  };
}
export type Login = ReturnType<typeof createLogin>;

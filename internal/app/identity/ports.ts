import type { Principal } from "../../domain/identity/principal.js";
import type { Role } from "../../domain/identity/role.js";
import type { User } from "../../domain/identity/user.js";

/** Users in the database. Lookups by username are case-insensitive. */
export interface UserRepository {
  /**
   * Inserts a new user. A username or email that a unique index already holds, including one
   * taken by a concurrent registration a moment ago, is DomainError "already_exists"
   * (USERNAME_TAKEN or EMAIL_TAKEN): the index decides, never a check before the insert.
   */
  insert(user: User): Promise<void>;
  findByUsername(username: string): Promise<User | undefined>;
  get(id: string): Promise<User | undefined>;
  /** Replaces the password hash only while it is still `current` (a concurrent login may have rehashed it). */
  replacePasswordHash(id: string, current: string, next: string): Promise<void>;
  /** Stores `role` for the user; undefined when there is no such user. */
  setRole(username: string, role: Role): Promise<User | undefined>;
}

/** Password hashing (Argon2id in production). Hashes are PHC strings that carry their parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`, with the parameters recorded in `hash`. */
  verify(hash: string, password: string): Promise<boolean>;
  /**
   * Spends the work of one `verify` against a hash made with the current parameters and answers
   * false, so a login for an unknown user takes as long as a wrong password for a known one.
   */
  verifyDummy(password: string): Promise<false>;
  /** Whether `hash` was made with other parameters than the current ones (rehash it on login). */
  needsRehash(hash: string): boolean;
}

/** A signed bearer token and the instant it stops being accepted. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface TokenIssuer {
  issue(principal: Principal): Promise<IssuedToken>;
}

export interface TokenVerifier {
  /**
   * The principal a token proves. Any token that is not one this service issued, unaltered and
   * unexpired, is DomainError "unauthenticated"; the message never repeats the token.
   */
  verify(token: string): Promise<Principal>;
}

/** One counter of login attempts: a username or a client address, with its own limit. */
export interface ThrottleKey {
  readonly key: string;
  readonly limit: number;
}

export type ThrottleVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Counts login attempts per key in fixed windows shared by every replica. An attempt is counted
 * before its password is checked, so racing requests cannot all slip under the limit; a login
 * that succeeds takes its attempt back, so only failures add up.
 */
export interface LoginThrottle {
  /**
   * Counts one attempt on every key; refused when any key went over its limit within
   * `windowMs`. A refused attempt is not counted (it checks no password).
   */
  reserve(keys: readonly ThrottleKey[], windowMs: number): Promise<ThrottleVerdict>;
  /** Takes back the attempt a successful login counted. */
  refund(keys: readonly ThrottleKey[]): Promise<void>;
}

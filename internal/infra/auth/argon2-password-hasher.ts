import { randomBytes } from "node:crypto";
import { type Algorithm, hash, type Options, parseOptions, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "../../app/identity/ports.js";

/** Argon2id parameters: memory in KiB, passes, lanes. */
export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** The OWASP Password Storage Cheat Sheet minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * `Algorithm.Argon2id` is a `const enum` in @node-rs/argon2's types, which isolated-module
 * transpilers (tsx) cannot inline; its value is fixed by the library's API.
 */
const ARGON2ID = 2 as Algorithm;

/**
 * Argon2id password hashing with @node-rs/argon2 (prebuilt native code, runs on libuv's thread
 * pool, so hashing does not block the event loop). Hashes are PHC strings; verification reads
 * the parameters from the stored string, and `needsRehash` compares them with `params`.
 */
export function createArgon2PasswordHasher(params: Argon2Params = OWASP_ARGON2ID): PasswordHasher {
  const options: Options = { ...params, algorithm: ARGON2ID };
  // Made once with the current parameters, at creation, so even the first unknown-user login
  // costs one verification and not a hash as well: verifying against it costs what verifying a
  // real user's current hash costs. Its password is random and never kept.
  let dummy = hash(randomBytes(32).toString("base64url"), options);
  dummy.catch(() => undefined); // a failure surfaces at the first verifyDummy, which retries it
  return {
    hash: (password) => hash(password, options),
    verify: (stored, password) => verify(stored, password),
    async verifyDummy(password) {
      const stored = await dummy.catch(() => (dummy = hash(randomBytes(32).toString("base64url"), options)));
      await verify(stored, password);
      return false;
    },
    needsRehash(stored) {
      try {
        const p = parseOptions(stored);
        return p.algorithm !== ARGON2ID || p.memoryCost !== params.memoryCost || p.timeCost !== params.timeCost || p.parallelism !== params.parallelism;
      } catch {
        return true;
      }
    },
  };
}

import { randomBytes } from "node:crypto";
import type { Algorithm, Options } from "@node-rs/argon2";
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

/** What @node-rs/argon2 writes by default: a 16-byte salt and a 32-byte hash. */
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/**
 * The native library (~3 MB resident) loads at the first registration or login, not at start:
 * most replicas' idle memory is better spent elsewhere, and a process that never sees a login
 * never needs it.
 */
let library: Promise<typeof import("@node-rs/argon2")> | undefined;
const argon2 = () => (library ??= import("@node-rs/argon2"));

/**
 * A PHC string in Argon2id's format with `params` and random salt and hash. Verifying any
 * password against it costs what verifying a real hash with those parameters costs (the hash is
 * recomputed from the string's parameters and salt, then compared) and always fails, as no
 * password produced it. Made without the library, so nothing loads before it is needed.
 */
export function dummyArgon2idHash(params: Argon2Params): string {
  const b64 = (bytes: number) => randomBytes(bytes).toString("base64").replace(/=+$/, "");
  return `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$${b64(SALT_BYTES)}$${b64(HASH_BYTES)}`;
}

/** The parameters of an Argon2id PHC string, or undefined for anything else (another algorithm, unreadable). */
function argon2idParams(stored: string): Argon2Params | undefined {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  return m ? { memoryCost: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]) } : undefined;
}

/**
 * Argon2id password hashing with @node-rs/argon2 (prebuilt native code, runs on libuv's thread
 * pool, so hashing does not block the event loop). Hashes are PHC strings; verification reads
 * the parameters from the stored string, and `needsRehash` compares them with `params`.
 */
export function createArgon2PasswordHasher(params: Argon2Params = OWASP_ARGON2ID): PasswordHasher {
  const options: Options = { ...params, algorithm: ARGON2ID };
  // Even the first unknown-user login costs one verification, as a wrong password does.
  const dummy = dummyArgon2idHash(params);
  return {
    hash: async (password) => (await argon2()).hash(password, options),
    verify: async (stored, password) => (await argon2()).verify(stored, password),
    async verifyDummy(password) {
      await (await argon2()).verify(dummy, password);
      return false;
    },
    needsRehash(stored) {
      const p = argon2idParams(stored);
      return p === undefined || p.memoryCost !== params.memoryCost || p.timeCost !== params.timeCost || p.parallelism !== params.parallelism;
    },
  };
}

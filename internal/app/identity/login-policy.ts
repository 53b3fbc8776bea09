import type { ThrottleKey } from "./ports.js";

/** How many failed logins are allowed, per username and per client address, within one window. */
export interface LoginPolicy {
  readonly maxFailuresPerUsername: number;
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
}

/**
 * The counters a login attempt touches: its (lower-cased) username, whether or not such a user
 * exists, so the answer says nothing about which names are registered; and the client address
 * when known, so one client cannot try many usernames. IPv4-mapped IPv6 addresses count as the
 * IPv4 address they carry.
 */
export function throttleKeys(username: string, clientAddress: string | undefined, policy: LoginPolicy): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `username:${username}`, limit: policy.maxFailuresPerUsername }];
  if (clientAddress) keys.push({ key: `address:${clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "")}`, limit: policy.maxFailuresPerAddress });
  return keys;
}

import { randomBytes } from "node:crypto";
import type { Logger } from "../../internal/app/ports.js";

/**
 * A signing key: the configured one, or (on the embedded default, where config allows none)
 * 32 random bytes for this process only, with a warning that what it signs dies with the
 * process. The key itself is never logged.
 */
export function resolveProcessSecret(configured: string | undefined, what: { readonly env: string; readonly signs: string }, log: Logger): Uint8Array {
  if (configured !== undefined) return Buffer.from(configured, "utf8");
  log.warn({ env: what.env }, `no ${what.env} configured: generated a random one for this process; ${what.signs} will not survive a restart`);
  return randomBytes(32);
}

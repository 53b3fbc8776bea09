import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../config/config.js";
import type { Principal } from "../domain/identity/principal.js";
import { createJwtTokens } from "../infra/auth/jwt-tokens.js";

/** The JWT_SECRET every test server gets (startServiceProcess), so tests can mint its tokens. */
export const TEST_JWT_SECRET = "spacet-test-jwt-secret-at-least-32-bytes";

/** The shipped config with the test secret: the issuer, audience and lifetime the test servers use. */
export function testAuthSettings() {
  const { auth } = loadConfig({ path: fileURLToPath(new URL("../../config/config.yaml", import.meta.url)), env: { JWT_SECRET: TEST_JWT_SECRET } });
  return auth;
}

/**
 * A bearer token the test servers accept, signed by the service's own issuer with the test
 * secret. For tests of other contexts that need a role (ListBookings, RunSync) without going
 * through registration; identity's own tests register and log in for real.
 */
export async function mintTestToken(principal: Partial<Principal> & Pick<Principal, "role">, clock: () => Date = () => new Date()): Promise<string> {
  const auth = testAuthSettings();
  const tokens = createJwtTokens(
    { secret: Buffer.from(TEST_JWT_SECRET), issuer: auth.jwtIssuer, audience: auth.jwtAudience, ttlMs: auth.jwtTtlMs },
    { clock, ids: randomUUID },
  );
  const { token } = await tokens.issue({ userId: randomUUID(), username: `test-${principal.role}`, ...principal });
  return token;
}

/** `authorization` header for a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

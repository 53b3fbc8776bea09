import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { TEST_JWT_SECRET, testAuthSettings } from "./auth.js";

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

/**
 * Tokens a server configured with TEST_JWT_SECRET must refuse, each wrong in one way only (the
 * rest is what the service itself issues): the attacks of RFC 8725 and the usual mistakes.
 */
export async function forgedTokens(now: Date = new Date()): Promise<Record<string, string>> {
  const auth = testAuthSettings();
  const secret = Buffer.from(TEST_JWT_SECRET);
  const iat = Math.floor(now.getTime() / 1000);
  const claims = { role: "operator", preferred_username: "mallory" };
  const sign = (opts: { key?: Uint8Array; alg?: string; iss?: string; aud?: string; iat?: number; exp?: number; claims?: object } = {}) =>
    new SignJWT({ ...(opts.claims ?? claims) })
      .setProtectedHeader({ alg: opts.alg ?? "HS256", typ: "JWT" })
      .setIssuer(opts.iss ?? auth.jwtIssuer)
      .setAudience(opts.aud ?? auth.jwtAudience)
      .setSubject(randomUUID())
      .setIssuedAt(opts.iat ?? iat)
      .setExpirationTime(opts.exp ?? iat + 600)
      .setJti(randomUUID())
      .sign(opts.key ?? secret);
  const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...claims, iss: auth.jwtIssuer, aud: auth.jwtAudience, sub: randomUUID(), iat, exp: iat + 600, jti: randomUUID() })}.`;
  return {
    "expired an hour ago": await sign({ iat: iat - 7200, exp: iat - 3600 }),
    "signed with another key": await sign({ key: Buffer.from("another-secret-that-is-32-bytes-long!!") }),
    "alg none, unsigned": unsigned,
    "HS512 with the right key (not on the allowlist)": await sign({ alg: "HS512" }),
    "for another audience": await sign({ aud: "someone-else" }),
    "from another issuer": await sign({ iss: "evil" }),
    "with an unknown role": await sign({ claims: { role: "admin", preferred_username: "mallory" } }),
    malformed: "not.a.jwt",
    "a signature cut off": (await sign()).replace(/\.[^.]+$/, ".AAAA"),
  };
}

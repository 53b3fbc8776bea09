import { errors, jwtVerify, SignJWT } from "jose";
import type { TokenIssuer, TokenVerifier } from "../../app/identity/ports.js";
import type { Clock, IdGenerator } from "../../app/ports.js";
import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";
import { isRole } from "../../domain/identity/role.js";

/** How the service signs and checks its bearer tokens. */
export interface JwtSettings {
  /** HMAC key, at least 32 bytes (config JWT_SECRET). */
  readonly secret: Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlMs: number;
}

/** The only algorithm accepted: a token naming another (`none`, RS256 with our key as "public key") is refused. */
const ALGORITHMS = ["HS256"];
/** Clock difference tolerated between replicas for `exp`/`iat`/`nbf`. */
const CLOCK_TOLERANCE_S = 5;
/** Longer bearer strings are refused before any parsing: ours are about 300 characters. */
const MAX_TOKEN_LENGTH = 4096;
/** Tokens remembered as verified; beyond this the oldest are forgotten (and verified again if seen). */
const VERIFIED_MAX = 10_000;

const invalidToken = () => new DomainError("unauthenticated", "INVALID_TOKEN", "the bearer token is not valid");
const expiredToken = () => new DomainError("unauthenticated", "TOKEN_EXPIRED", "the bearer token has expired; log in again");

/**
 * HS256 JWTs with `jose`: `iss`, `aud`, `sub` (user id), `role`, `preferred_username`, `iat`,
 * `exp` and a unique `jti`. Verification follows RFC 8725: a fixed algorithm list, `typ: JWT`,
 * issuer, audience and expiry checked, every claim we read required. Failures never echo the
 * token or jose's own message.
 */
export function createJwtTokens(settings: JwtSettings, deps: { clock: Clock; ids: IdGenerator }): TokenIssuer & TokenVerifier {
  // Imported once: given raw bytes, jose imports a WebCrypto key on every sign and verify,
  // which cost about as much again as the HMAC itself on every authenticated call.
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const hmacKey = () => (key ??= crypto.subtle.importKey("raw", settings.secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]));
  // A client sends the same token with every call for up to its lifetime, and the WebCrypto
  // HMAC was a tenth of the server's CPU per booking. The exact string already verified is
  // accepted again until its `exp` (with the same tolerance) without another HMAC: nothing else
  // could change the answer (one key per process, no revocation), and a failure is never kept.
  const verified = new Map<string, { readonly principal: Principal; readonly acceptUntilMs: number }>();
  return {
    async issue(principal) {
      const now = deps.clock();
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + Math.max(1, Math.floor(settings.ttlMs / 1000));
      const token = await new SignJWT({ role: principal.role, preferred_username: principal.username })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(principal.userId)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(deps.ids())
        .sign(await hmacKey());
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token): Promise<Principal> {
      if (token.length > MAX_TOKEN_LENGTH) throw invalidToken();
      const known = verified.get(token);
      if (known && deps.clock().getTime() < known.acceptUntilMs) return known.principal;
      verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, await hmacKey(), {
          algorithms: ALGORITHMS,
          typ: "JWT",
          issuer: settings.issuer,
          audience: settings.audience,
          currentDate: deps.clock(),
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ["sub", "iat", "exp", "jti", "role", "preferred_username"],
        });
        const { sub, role, preferred_username: username, exp } = payload;
        if (typeof sub !== "string" || !isRole(role) || typeof username !== "string" || typeof exp !== "number") throw invalidToken();
        const principal: Principal = { userId: sub, username, role };
        verified.set(token, { principal, acceptUntilMs: (exp + CLOCK_TOLERANCE_S) * 1000 });
        if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
        return principal;
      } catch (e) {
        if (e instanceof errors.JWTExpired) throw expiredToken();
        if (e instanceof errors.JOSEError) throw invalidToken();
        throw e;
      }
    },
  };
}

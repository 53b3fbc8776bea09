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

const invalidToken = () => new DomainError("unauthenticated", "INVALID_TOKEN", "the bearer token is not valid");
const expiredToken = () => new DomainError("unauthenticated", "TOKEN_EXPIRED", "the bearer token has expired; log in again");

/**
 * HS256 JWTs with `jose`: `iss`, `aud`, `sub` (user id), `role`, `preferred_username`, `iat`,
 * `exp` and a unique `jti`. Verification follows RFC 8725: a fixed algorithm list, `typ: JWT`,
 * issuer, audience and expiry checked, every claim we read required. Failures never echo the
 * token or jose's own message.
 */
export function createJwtTokens(settings: JwtSettings, deps: { clock: Clock; ids: IdGenerator }): TokenIssuer & TokenVerifier {
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
        .sign(settings.secret);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token): Promise<Principal> {
      if (token.length > MAX_TOKEN_LENGTH) throw invalidToken();
      try {
        const { payload } = await jwtVerify(token, settings.secret, {
          algorithms: ALGORITHMS,
          typ: "JWT",
          issuer: settings.issuer,
          audience: settings.audience,
          currentDate: deps.clock(),
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ["sub", "iat", "exp", "jti", "role", "preferred_username"],
        });
        const { sub, role, preferred_username: username } = payload;
        if (typeof sub !== "string" || !isRole(role) || typeof username !== "string") throw invalidToken();
        return { userId: sub, username, role };
      } catch (e) {
        if (e instanceof errors.JWTExpired) throw expiredToken();
        if (e instanceof errors.JOSEError) throw invalidToken();
        throw e;
      }
    },
  };
}

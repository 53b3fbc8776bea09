import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Opaque, tamper-evident page tokens (AIP-158). A token is base64url(JSON) plus an HMAC tag
 * over it, bound to a "scope" (e.g. the request's filters) so a token from one query cannot be
 * replayed against another. The payload is signed, not encrypted: it holds only a cursor.
 */
export interface PageTokenCodec {
  encode(cursor: string, scope: string): string;
  /** The cursor, or undefined for a token that is malformed, forged or from another scope. */
  decode(token: string, scope: string): string | undefined;
}

const TAG_BYTES = 16;

export function createPageTokenCodec(secret: string | Uint8Array): PageTokenCodec {
  const tag = (body: string, scope: string) => createHmac("sha256", secret).update(scope).update("\0").update(body).digest().subarray(0, TAG_BYTES);
  return {
    encode(cursor, scope) {
      const body = Buffer.from(JSON.stringify({ c: cursor }), "utf8").toString("base64url");
      return `${body}.${tag(body, scope).toString("base64url")}`;
    },
    decode(token, scope) {
      const [body, sig, extra] = token.split(".");
      if (!body || !sig || extra !== undefined) return undefined;
      const given = Buffer.from(sig, "base64url");
      if (given.length !== TAG_BYTES || !timingSafeEqual(given, tag(body, scope))) return undefined;
      try {
        const { c } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { c?: unknown };
        return typeof c === "string" ? c : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

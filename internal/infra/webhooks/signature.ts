import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

/** A fresh Standard Webhooks secret: whsec_ + base64 of 32 random bytes (the spec asks 24 to 64). */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/**
 * The webhook-signature header of Standard Webhooks: `v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` keyed by the secret's decoded bytes. Signed per attempt (the timestamp
 * changes); tests verify it with the reference library, `standardwebhooks`.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

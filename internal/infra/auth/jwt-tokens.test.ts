import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { DomainError } from "../../domain/errors.js";
import { TEST_JWT_SECRET, testAuthSettings } from "../../testkit/auth.js";
import { forgedTokens } from "../../testkit/forged-tokens.js";
import { createJwtTokens } from "./jwt-tokens.js";

const now = new Date("2049-01-01T12:00:00Z");
const auth = testAuthSettings();
const settings = { secret: Buffer.from(TEST_JWT_SECRET), issuer: auth.jwtIssuer, audience: auth.jwtAudience, ttlMs: 3_600_000 };
const at = (d: Date) => createJwtTokens(settings, { clock: () => d, ids: randomUUID });
const ada = { userId: randomUUID(), username: "ada", role: "user" } as const;

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => assert.fail("expected a refusal"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DomainError && e.kind === "unauthenticated", String(e));
  return e;
};

describe("JWT tokens", () => {
  it("issues HS256 tokens with iss, aud, sub, role, preferred_username, iat, exp and jti, and verifies them", async () => {
    const { token, expiresAt } = await at(now).issue(ada);
    assert.deepEqual(decodeProtectedHeader(token), { alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    assert.deepEqual(
      { iss: claims.iss, aud: claims.aud, sub: claims.sub, role: claims.role, name: claims.preferred_username, iat: claims.iat, exp: claims.exp },
      { iss: "spacet", aud: "spacet-api", sub: ada.userId, role: "user", name: "ada", iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 3600 },
    );
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
    assert.equal(expiresAt.getTime(), now.getTime() + 3_600_000);
    assert.deepEqual(await at(now).verify(token), ada);
  });

  it("accepts a token it verified before without losing its expiry", async () => {
    let clock = now;
    const tokens = createJwtTokens(settings, { clock: () => clock, ids: randomUUID });
    const { token } = await tokens.issue(ada);
    assert.deepEqual(await tokens.verify(token), ada);
    clock = new Date(now.getTime() + 3_600_000 + 4_000);
    assert.deepEqual(await tokens.verify(token), ada);
    clock = new Date(now.getTime() + 3_600_000 + 6_000);
    assert.equal((await refusal(tokens.verify(token))).reason, "TOKEN_EXPIRED");
    const forged = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    clock = now;
    assert.equal((await refusal(tokens.verify(forged))).reason, "INVALID_TOKEN", "another string is verified, never taken from the cache");
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([at(now).issue(ada), at(now).issue(ada)]);
    assert.notEqual(decodeJwt(a.token).jti, decodeJwt(b.token).jti);
  });

  it("accepts a token until it expires (5 s tolerance for replicas' clocks), then says it expired", async () => {
    const { token } = await at(now).issue(ada);
    assert.deepEqual(await at(new Date(now.getTime() + 3_600_000 + 4_000)).verify(token), ada);
    const e = await refusal(at(new Date(now.getTime() + 3_600_000 + 6_000)).verify(token));
    assert.equal(e.reason, "TOKEN_EXPIRED");
  });

  it("refuses every forged or broken token as INVALID_TOKEN (or TOKEN_EXPIRED), never repeating it", async () => {
    for (const [name, token] of Object.entries(await forgedTokens(now))) {
      const e = await refusal(at(now).verify(token));
      assert.equal(e.reason, name.startsWith("expired") ? "TOKEN_EXPIRED" : "INVALID_TOKEN", name);
      assert.ok(!e.message.includes(token), `${name}: the message repeats the token`);
    }
  });

  it("refuses a token longer than any it issues before parsing it", async () => {
    await refusal(at(now).verify(`${"a".repeat(5000)}.b.c`));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import { createArgon2PasswordHasher, OWASP_ARGON2ID } from "../../infra/auth/argon2-password-hasher.js";
import { useIdentityUseCases } from "./testdata/identity-use-cases.js";
import type { PasswordHasher } from "./ports.js";

const LIMIT = 3;
const ctx = useIdentityUseCases({ operatorUsernames: ["boss"], loginMaxFailures: LIMIT, loginMaxFailuresPerAddress: 8, loginFailureWindowMs: 600_000 });
const password = "correct horse battery";

const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof DomainError ? `${e.kind}:${e.reason}:${e.message}` : `unexpected ${String(e)}`),
  );

/** A hasher that counts the Argon2 verifications it runs (real or dummy). */
function countingHasher(): PasswordHasher & { verifications: number } {
  const real = createArgon2PasswordHasher();
  const counted = {
    verifications: 0,
    hash: real.hash,
    needsRehash: real.needsRehash,
    async verify(hash: string, pw: string) {
      counted.verifications++;
      return real.verify(hash, pw);
    },
    async verifyDummy(pw: string) {
      counted.verifications++;
      return real.verifyDummy(pw);
    },
  };
  return counted;
}

const storedHash = async (username: string) =>
  (await ctx.handle.pool.query<{ password_hash: string }>("select password_hash from users where username = $1", [username])).rows[0].password_hash;

describe("login", () => {
  it("issues a bearer token that verifies to the user, with the profile", async () => {
    const ada = await ctx.identity.register({ username: "ada", email: "ada@example.com", password });
    const result = await ctx.identity.login({ username: "ADA", password, clientAddress: "192.0.2.1" });
    assert.deepEqual(result.user, ada);
    assert.ok(result.expiresAt.getTime() > Date.now());
    assert.deepEqual(await ctx.identity.tokens.verify(result.token), { userId: ada.id, username: "ada", role: "user" });
  });

  it("answers an unknown user and a wrong password the same, after the same Argon2 work", async () => {
    await ctx.identity.register({ username: "grace", email: "grace@example.com", password });
    const hasher = countingHasher();
    const identity = ctx.withHasher(hasher);
    const wrong = await outcome(identity.login({ username: "grace", password: "not the password", clientAddress: "192.0.2.2" }));
    assert.equal(hasher.verifications, 1);
    const unknown = await outcome(identity.login({ username: "nobody-here", password: "not the password", clientAddress: "192.0.2.3" }));
    assert.equal(hasher.verifications, 2, "the unknown user cost one verification too");
    assert.equal(wrong, "unauthenticated:INVALID_CREDENTIALS:invalid username or password");
    assert.equal(unknown, wrong);
  });

  it("rehashes a password stored with older parameters on a successful login, once", async () => {
    const old = ctx.withHasher(createArgon2PasswordHasher({ ...OWASP_ARGON2ID, timeCost: 1, memoryCost: 8192 }));
    await old.register({ username: "katherine", email: "katherine@example.com", password });
    assert.match(await storedHash("katherine"), /m=8192,t=1,p=1/);
    await ctx.identity.login({ username: "katherine", password });
    const upgraded = await storedHash("katherine");
    assert.match(upgraded, /m=19456,t=2,p=1/);
    await ctx.identity.login({ username: "katherine", password });
    assert.equal(await storedHash("katherine"), upgraded, "a current hash is left alone");
  });

  it("makes OPERATOR_USERNAMES operators at login, also when they registered after the config", async () => {
    await ctx.identity.register({ username: "boss", email: "boss@example.com", password });
    const { token, user } = await ctx.identity.login({ username: "boss", password });
    assert.equal(user.role, "operator");
    assert.equal((await ctx.identity.tokens.verify(token)).role, "operator");
    const { rows } = await ctx.handle.pool.query<{ role: string }>("select role from users where username = 'boss'");
    assert.deepEqual(rows, [{ role: "user" }], "the config grants the role; the row is unchanged");
  });
});

describe("login throttle", () => {
  it("refuses a username after LIMIT failures with the time left in the window, even with the right password", async () => {
    await ctx.identity.register({ username: "hedy", email: "hedy@example.com", password });
    for (let i = 0; i < LIMIT; i++) {
      assert.match(
        await outcome(ctx.identity.login({ username: "hedy", password: "wrong password", clientAddress: `198.51.100.${i}` })),
        /INVALID_CREDENTIALS/,
      );
    }
    const refused = await ctx.identity.login({ username: "hedy", password, clientAddress: "198.51.100.99" }).catch((e: unknown) => e);
    assert.ok(refused instanceof DomainError);
    assert.deepEqual([refused.kind, refused.reason], ["exhausted", "TOO_MANY_LOGIN_ATTEMPTS"]);
    assert.ok(refused.retryAfterMs !== undefined && refused.retryAfterMs > 590_000 && refused.retryAfterMs <= 600_000, String(refused.retryAfterMs));
    // An unknown username is refused the same way once it used up its failures.
    for (let i = 0; i < LIMIT; i++) await outcome(ctx.identity.login({ username: "ghost", password: "wrong password" }));
    assert.match(await outcome(ctx.identity.login({ username: "ghost", password: "wrong password" })), /^exhausted:TOO_MANY_LOGIN_ATTEMPTS/);
  });

  it("counts only failures: successful logins give their attempt back", async () => {
    await ctx.identity.register({ username: "frances", email: "frances@example.com", password });
    for (let i = 0; i < LIMIT * 3; i++) assert.equal(await outcome(ctx.identity.login({ username: "frances", password, clientAddress: "203.0.113.5" })), "ok");
    for (let i = 0; i < LIMIT - 1; i++) await outcome(ctx.identity.login({ username: "frances", password: "wrong password", clientAddress: "203.0.113.5" }));
    assert.equal(await outcome(ctx.identity.login({ username: "frances", password, clientAddress: "203.0.113.5" })), "ok");
  });

  it("limits a client address across usernames", async () => {
    const address = "::ffff:203.0.113.77";
    const results = [];
    for (let i = 0; i < 9; i++) results.push(await outcome(ctx.identity.login({ username: `spray${i}`, password: "wrong password", clientAddress: address })));
    assert.deepEqual(
      results.map((r) => r.split(":")[1]),
      [...Array(8).fill("INVALID_CREDENTIALS"), "TOO_MANY_LOGIN_ATTEMPTS"],
    );
    // The IPv4-mapped form and the plain form are one client.
    assert.match(
      await outcome(ctx.identity.login({ username: "spray-next", password: "wrong password", clientAddress: "203.0.113.77" })),
      /TOO_MANY_LOGIN_ATTEMPTS/,
    );
  });

  it("lets exactly LIMIT of 30 racing wrong-password attempts check the password", async () => {
    await ctx.identity.register({ username: "racer", email: "racer@example.com", password });
    const hasher = countingHasher();
    const identity = ctx.withHasher(hasher);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => outcome(identity.login({ username: "racer", password: `wrong ${i}`, clientAddress: `192.0.2.${100 + i}` }))),
    );
    const count = (reason: string) => results.filter((r) => r.includes(reason)).length;
    assert.deepEqual([count("INVALID_CREDENTIALS"), count("TOO_MANY_LOGIN_ATTEMPTS")], [LIMIT, 30 - LIMIT], results.join("\n"));
    assert.equal(hasher.verifications, LIMIT, "refused attempts cost no Argon2 work");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../domain/errors.js";
import type { Registration } from "../../domain/identity/credentials.js";
import { useIdentityUseCases } from "./testdata/identity-use-cases.js";

const ctx = useIdentityUseCases();
const password = "correct horse battery";

const rejection = async (p: Promise<unknown>): Promise<DomainError> => {
  const e = await p.then(
    () => assert.fail("expected a rejection"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DomainError, String(e));
  return e;
};
const usersNamed = async (username: string) =>
  (await ctx.handle.pool.query<{ n: number }>("select count(*)::int as n from users where lower(username) = lower($1)", [username])).rows[0].n;

describe("register", () => {
  it("creates a user with the user role and answers its profile, never the hash", async () => {
    const user = await ctx.identity.register({ username: "Ada", email: "ada@example.com", password });
    assert.deepEqual([user.username, user.email, user.role], ["ada", "ada@example.com", "user"]);
    assert.equal("passwordHash" in user, false);
    const { rows } = await ctx.handle.pool.query<{ password_hash: string }>("select password_hash from users where id = $1", [user.id]);
    assert.match(rows[0].password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("refuses a taken username, in any case, and a taken email, in any case: ALREADY_EXISTS", async () => {
    await ctx.identity.register({ username: "grace", email: "grace@example.com", password });
    const name = await rejection(ctx.identity.register({ username: "GRACE", email: "other@example.com", password }));
    assert.deepEqual([name.kind, name.reason], ["already_exists", "USERNAME_TAKEN"]);
    const email = await rejection(ctx.identity.register({ username: "grace2", email: "Grace@Example.COM", password }));
    assert.deepEqual([email.kind, email.reason], ["already_exists", "EMAIL_TAKEN"]);
    assert.equal(await usersNamed("grace2"), 0);
  });

  it("creates exactly one user when 20 registrations of one name race", async () => {
    const attempts = Array.from({ length: 20 }, (_, i) =>
      ctx.identity.register({ username: i % 2 ? "Racer" : "racer", email: `racer${i}@example.com`, password }).then(
        () => "created",
        (e: unknown) => (e instanceof DomainError ? e.reason : `unexpected ${String(e)}`),
      ),
    );
    const outcomes = await Promise.all(attempts);
    assert.equal(outcomes.filter((o) => o === "created").length, 1, outcomes.join(", "));
    assert.equal(outcomes.filter((o) => o === "USERNAME_TAKEN").length, 19, outcomes.join(", "));
    assert.equal(await usersNamed("racer"), 1);
  });

  it("refuses bad input naming every field and writes nothing", async () => {
    const e = await rejection(ctx.identity.register({ username: "x", email: "nope", password: "short" }));
    assert.deepEqual(
      e.violations.map((v) => v.field),
      ["username", "email", "password"],
    );
    assert.equal(await usersNamed("x"), 0);
  });

  it("never creates an operator, whatever else the input carries", async () => {
    const sneaky = { username: "mallory", email: "mallory@example.com", password, role: "operator" } as Registration;
    assert.equal((await ctx.identity.register(sneaky)).role, "user");
    const { rows } = await ctx.handle.pool.query<{ role: string }>("select role from users where username = 'mallory'");
    assert.deepEqual(rows, [{ role: "user" }]);
  });
});

describe("grant operator and get me", () => {
  it("stores the operator role, which GetMe then shows", async () => {
    const user = await ctx.identity.register({ username: "margaret", email: "margaret@example.com", password });
    assert.equal((await ctx.identity.getMe({ userId: user.id, username: user.username, role: "user" })).role, "user");
    assert.equal((await ctx.identity.grantOperator("Margaret")).role, "operator");
    const me = await ctx.identity.getMe({ userId: user.id, username: user.username, role: "user" });
    assert.deepEqual([me.username, me.role, "passwordHash" in me], ["margaret", "operator", false]);
  });

  it("says NOT_FOUND for an unknown username, and GetMe refuses a token of a user that is gone", async () => {
    assert.equal((await rejection(ctx.identity.grantOperator("nobody"))).kind, "not_found");
    const e = await rejection(ctx.identity.getMe({ userId: "5b0f3e2c-0000-4000-8000-000000000000", username: "ghost", role: "user" }));
    assert.equal(e.kind, "unauthenticated");
  });
});

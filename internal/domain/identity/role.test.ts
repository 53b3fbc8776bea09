import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRole, satisfiesRole } from "./role.js";
import { effectiveRole, profileOf, type User } from "./user.js";

const user: User = { id: "u1", username: "ada", email: "ada@example.com", passwordHash: "$argon2id$secret", role: "user", createdAt: new Date(0) };

describe("roles", () => {
  it("lets an operator do what a user may, never the other way round", () => {
    assert.deepEqual(
      [satisfiesRole("user", "user"), satisfiesRole("operator", "user"), satisfiesRole("operator", "operator"), satisfiesRole("user", "operator")],
      [true, true, true, false],
    );
  });

  it("knows only user and operator", () => {
    assert.deepEqual(["user", "operator", "admin", "OPERATOR", undefined, 1].map(isRole), [true, true, false, false, false, false]);
  });

  it("makes the configured usernames operators at login, whatever is stored", () => {
    const operators = new Set(["boss"]);
    assert.equal(effectiveRole(user, operators), "user");
    assert.equal(effectiveRole({ ...user, username: "boss" }, operators), "operator");
    assert.equal(effectiveRole({ ...user, role: "operator" }, operators), "operator");
  });

  it("drops the password hash from the profile callers see", () => {
    const profile = profileOf(user, "operator");
    assert.equal("passwordHash" in profile, false);
    assert.deepEqual(profile, { id: "u1", username: "ada", email: "ada@example.com", role: "operator", createdAt: new Date(0) });
  });
});

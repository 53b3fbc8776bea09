import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../errors.js";
import { checkRegistration, normalizeUsername } from "./credentials.js";

const valid = { username: "ada", email: "ada@example.com", password: "correct horse battery" };

/** The fields a registration is refused for (empty when it passes). */
function refusedFields(input: Partial<typeof valid>): string[] {
  try {
    checkRegistration({ ...valid, ...input });
    return [];
  } catch (e) {
    assert.ok(e instanceof DomainError && e.kind === "invalid", String(e));
    return e.violations.map((v) => v.field);
  }
}

describe("checkRegistration", () => {
  for (const [username, ok] of [
    ["ada", true],
    ["a.b-c_9", true],
    ["x".repeat(32), true],
    ["ab", false],
    ["x".repeat(33), false],
    ["ada lovelace", false],
    ["adá", false],
    ["ada@home", false],
    ["", false],
  ] as const) {
    it(`${ok ? "accepts" : "refuses"} the username ${JSON.stringify(username)}`, () => {
      assert.deepEqual(refusedFields({ username }), ok ? [] : ["username"]);
    });
  }

  it("lower-cases the username and trims the email", () => {
    assert.deepEqual(checkRegistration({ ...valid, username: "Ada.L", email: "  Ada@Example.com " }), {
      ...valid,
      username: "ada.l",
      email: "Ada@Example.com",
    });
    assert.equal(normalizeUsername("GRACE"), "grace");
  });

  for (const [password, ok] of [
    ["x".repeat(10), true],
    ["x".repeat(128), true],
    ["x".repeat(9), false],
    ["x".repeat(129), false],
    // Counted in characters, not UTF-16 units: five astral symbols are 5 characters, not 10.
    ["🚀".repeat(5), false],
    ["🚀".repeat(10), true],
  ] as const) {
    it(`${ok ? "accepts" : "refuses"} a password of ${[...password].length} characters (${password.length} UTF-16 units)`, () => {
      assert.deepEqual(refusedFields({ password }), ok ? [] : ["password"]);
    });
  }

  it("refuses emails without an @ or with white space, and longer than 254 characters", () => {
    for (const email of ["ada", "ada@", "@example.com", "a da@example.com", `${"a".repeat(250)}@x.io`]) {
      assert.deepEqual(refusedFields({ email }), ["email"], email);
    }
  });

  it("names every bad field at once", () => {
    assert.deepEqual(refusedFields({ username: "x", email: "nope", password: "short" }), ["username", "email", "password"]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseOptions, verify } from "@node-rs/argon2";
import { createArgon2PasswordHasher, dummyArgon2idHash, OWASP_ARGON2ID } from "./argon2-password-hasher.js";

const hasher = createArgon2PasswordHasher();
const password = "correct horse battery staple";

describe("Argon2id password hasher", () => {
  it("stores Argon2id PHC strings with the OWASP minimum parameters and a fresh salt each time", async () => {
    const [a, b] = await Promise.all([hasher.hash(password), hasher.hash(password)]);
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(a, b, "salted");
    assert.ok(!a.includes(password));
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hasher.hash(password);
    assert.equal(await hasher.verify(stored, password), true);
    assert.equal(await hasher.verify(stored, `${password}!`), false);
  });

  it("answers false for the dummy verification whatever the password", async () => {
    assert.equal(await hasher.verifyDummy(password), false);
    assert.equal(await hasher.verifyDummy(""), false);
  });

  it("makes the dummy hash in the library's own format, with the current parameters, so verifying against it costs the same", async () => {
    const real = await hasher.hash(password);
    const dummy = dummyArgon2idHash(OWASP_ARGON2ID);
    assert.match(dummy, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(parseOptions(dummy), parseOptions(real), "the library reads the same parameters from both");
    assert.equal(await verify(dummy, password), false, "the library verifies it (and it matches no password)");
    assert.notEqual(dummyArgon2idHash(OWASP_ARGON2ID), dummy, "random salt and hash each time");
  });

  it("asks for a rehash of hashes made with other parameters, and of unreadable ones", async () => {
    const weaker = createArgon2PasswordHasher({ ...OWASP_ARGON2ID, timeCost: 1 });
    const old = await weaker.hash(password);
    assert.equal(hasher.needsRehash(old), true);
    assert.equal(await hasher.verify(old, password), true, "old hashes still verify (parameters come from the string)");
    assert.equal(hasher.needsRehash(await hasher.hash(password)), false);
    assert.equal(hasher.needsRehash("$2b$10$notargon"), true);
    assert.equal(hasher.needsRehash(old.replace("$argon2id$", "$argon2i$")), true, "another Argon2 variant");
  });
});

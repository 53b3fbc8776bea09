import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { User } from "../../../domain/identity/user.js";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";
import { createUserRepository } from "./user-repository.js";

const db = useDatabaseHandle({ poolMax: 2 });

const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
const user = (over: Partial<User> = {}): User => ({
  id: randomUUID(),
  username: "ada",
  email: "ada@example.com",
  passwordHash: hash,
  role: "user",
  createdAt: new Date(),
  ...over,
});

describe("Postgres user repository", () => {
  it("finds users by username in any case and replaces a hash only while it is unchanged", async () => {
    const repo = createUserRepository(db.handle.db);
    const ada = user();
    await repo.insert(ada);
    assert.equal((await repo.findByUsername("ADA"))?.id, ada.id);
    const next = hash.replace("m=19456", "m=20000");
    await repo.replacePasswordHash(ada.id, "$argon2id$stale", next);
    assert.equal((await repo.get(ada.id))?.passwordHash, hash, "a stale expectation changes nothing");
    await repo.replacePasswordHash(ada.id, hash, next);
    assert.equal((await repo.get(ada.id))?.passwordHash, next);
  });

  it("reports other constraint failures without the failing row, so no hash reaches a log", async () => {
    const e = await createUserRepository(db.handle.db)
      .insert(user({ username: "Not Valid!", email: "x@example.com" }))
      .then(
        () => assert.fail("the CHECK should refuse it"),
        (err: unknown) => err as Error & { code?: string; detail?: unknown; cause?: unknown },
      );
    assert.equal(e.code, "23514");
    assert.match(e.message, /users_username_check/);
    assert.equal(e.detail, undefined);
    assert.equal(e.cause, undefined);
    assert.ok(!JSON.stringify({ ...e, message: e.message }).includes("argon2"));
  });
});

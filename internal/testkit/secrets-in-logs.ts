import assert from "node:assert/strict";
import type pg from "pg";

/**
 * Collects the secrets a test run used (passwords sent, tokens received) so that a last test can
 * grep the servers' captured output for them, and for the password hashes the database holds.
 */
export function createSecretLog() {
  const secrets = new Set<string>();
  return {
    /** Remembers a secret and gives it back, so calls can wrap their arguments. */
    keep<T extends string>(secret: T): T {
      secrets.add(secret);
      return secret;
    },
    /** Fails naming each kind of secret found (never printing it) in any of `outputs`. */
    async assertAbsent(outputs: readonly string[], db: pg.Pool): Promise<void> {
      const { rows } = await db.query<{ password_hash: string }>("select password_hash from users");
      const hashes = rows.map((r) => r.password_hash);
      assert.ok(hashes.length > 0 && secrets.size > 0, "the run used secrets to look for");
      const text = outputs.join("\n");
      assert.ok(text.split("\n").length > 10, "the servers logged something to search");
      const found = [...secrets, ...hashes, ...hashes.map((h) => h.split("$").pop() ?? h)].filter((s) => text.includes(s));
      assert.deepEqual(
        found.map((s) => `${s.slice(0, 4)}… (${s.length} chars)`),
        [],
        "passwords, hashes and tokens never reach the logs",
      );
    },
  };
}

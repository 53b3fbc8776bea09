import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPageTokenCodec } from "./page-token.js";

describe("page tokens", () => {
  const codec = createPageTokenCodec("secret-a");

  it("round-trips a cursor within its scope", () => {
    const token = codec.encode("12345", "pad=x");
    assert.equal(codec.decode(token, "pad=x"), "12345");
  });

  it("rejects a token used with other filters", () => {
    assert.equal(codec.decode(codec.encode("12345", "pad=x"), "pad=y"), undefined);
  });

  it("rejects tampered, truncated and foreign tokens", () => {
    const token = codec.encode("12345", "");
    const [body, sig] = token.split(".");
    const forgedBody = Buffer.from(JSON.stringify({ c: "99999" })).toString("base64url");
    for (const bad of [`${forgedBody}.${sig}`, body, `${body}.`, `${body}.${sig}.x`, "not a token", "", createPageTokenCodec("secret-b").encode("12345", "")]) {
      assert.equal(codec.decode(bad, ""), undefined, `accepted ${JSON.stringify(bad)}`);
    }
  });
});

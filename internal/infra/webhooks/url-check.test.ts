import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createWebhookUrlCheck } from "./url-check.js";

const strict = createWebhookUrlCheck({ allowHttp: false, allowedCidrs: [] });
const local = createWebhookUrlCheck({ allowHttp: true, allowedCidrs: ["127.0.0.0/8"] });
const rules = (check: typeof strict, url: string) => check(url, "webhook_url").map((v) => v.rule);

describe("the webhook URL check at registration", () => {
  it("accepts a public https URL, with a port, path and query", () => {
    assert.deepEqual(rules(strict, "https://hooks.example.com:8443/spacet?x=1"), []);
    assert.deepEqual(rules(strict, "https://93.184.216.34/hook"), []);
  });

  it("refuses http unless allowed, other schemes, credentials, fragments and URLs over 2048 characters", () => {
    assert.deepEqual(rules(strict, "http://hooks.example.com/"), ["webhook_url.scheme"]);
    assert.deepEqual(rules(local, "http://hooks.example.com/"), []);
    assert.deepEqual(rules(strict, "ftp://hooks.example.com/"), ["webhook_url.scheme"]);
    assert.deepEqual(rules(strict, "https://user:secret@hooks.example.com/"), ["webhook_url.no_userinfo"]);
    assert.deepEqual(rules(strict, "https://hooks.example.com/#frag"), ["webhook_url.no_fragment"]);
    assert.deepEqual(rules(strict, `https://hooks.example.com/${"a".repeat(2048)}`), ["webhook_url.max_len"]);
    assert.deepEqual(rules(strict, "hooks.example.com/x"), ["webhook_url.valid"]);
  });

  it("refuses literal loopback, private, link-local, CGNAT, metadata and IPv4-mapped addresses unless allowlisted", () => {
    for (const host of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "[::1]",
      "[fd00::1]",
      "[fe80::1]",
      "[::ffff:127.0.0.1]",
      "[::ffff:10.0.0.1]",
    ]) {
      assert.deepEqual(rules(strict, `https://${host}/hook`), ["webhook_url.public_address"], host);
    }
    assert.deepEqual(rules(local, "http://127.0.0.1:9000/hook"), []);
    assert.deepEqual(rules(local, "http://10.1.2.3/hook"), ["webhook_url.public_address"], "only the allowlisted range");
  });

  it("leaves host names to the connect-time check (DNS can change after registration)", () => {
    assert.deepEqual(rules(strict, "https://localhost/hook"), []);
  });
});

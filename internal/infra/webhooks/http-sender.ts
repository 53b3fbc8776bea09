import http from "node:http";
import https from "node:https";
import type { ClaimedDelivery, WebhookSender } from "../../app/notification/ports.js";
import type { AttemptResult } from "../../domain/notification/delivery.js";
import { signWebhook } from "./signature.js";

/** request-filtering-agent's words for an address it refused (its errors carry no code). */
const REFUSED_ADDRESS = /is not allowed\. Because/;

/** Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends Standard Webhooks over node:http(s) through request-filtering-agent, which checks the
 * address actually connected to, after DNS resolution (no second lookup, so no DNS-rebinding
 * window): only public unicast addresses, or those in `allowedCidrs`. Redirects are never
 * followed (node:http does not), so a 3xx is just an answer; the whole attempt is bounded by
 * `timeoutMs`. Every attempt is signed anew with its own timestamp; webhook-id is the delivery
 * id, the same on every attempt. The answer's body is not read: only its status and Retry-After.
 */
export function createHttpSender(opts: { allowedCidrs: readonly string[]; timeoutMs: number; userAgent: string; now?: () => number }): WebhookSender {
  const now = opts.now ?? Date.now;
  const filter = { allowIPAddressList: [...opts.allowedCidrs], allowPrivateIPAddress: false, allowMetaIPAddress: false };
  // Loaded with the first send, not at start: a replica that never sends a webhook keeps the
  // library (~1 MB resident) out of its memory. No keep-alive: each attempt connects (and is
  // checked) afresh, and no socket outlives a send.
  let agents: Promise<Record<"http:" | "https:", http.Agent>> | undefined;
  const agentsOnce = () =>
    (agents ??= import("request-filtering-agent").then(({ RequestFilteringHttpAgent, RequestFilteringHttpsAgent }) => ({
      "http:": new RequestFilteringHttpAgent({ ...filter, keepAlive: false }),
      "https:": new RequestFilteringHttpsAgent({ ...filter, keepAlive: false }),
    })));
  return {
    async send(delivery: ClaimedDelivery, signal?: AbortSignal): Promise<AttemptResult> {
      let url: URL;
      try {
        url = new URL(delivery.url);
      } catch {
        return { kind: "error", error: "invalid URL", blocked: true };
      }
      const protocol = url.protocol;
      if (protocol !== "http:" && protocol !== "https:") return { kind: "error", error: "unsupported scheme", blocked: true };
      const agent = (await agentsOnce())[protocol];
      const timestamp = Math.floor(now() / 1000);
      const body = Buffer.from(delivery.body, "utf8");
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      return new Promise<AttemptResult>((resolve) => {
        const request = (protocol === "https:" ? https : http).request(url, {
          method: "POST",
          agent,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            "user-agent": opts.userAgent,
            "webhook-id": delivery.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(delivery.secret, delivery.id, timestamp, delivery.body),
          },
        });
        request.on("response", (res) => {
          const statusCode = res.statusCode ?? 0;
          const retryAfterMs = parseRetryAfter(res.headers["retry-after"], now());
          res.resume();
          request.destroy();
          resolve(retryAfterMs === undefined ? { kind: "response", statusCode } : { kind: "response", statusCode, retryAfterMs });
        });
        request.on("error", (err: Error & { code?: string }) => {
          if (timeout.aborted) resolve({ kind: "error", error: `no answer within ${opts.timeoutMs} ms` });
          else if (REFUSED_ADDRESS.test(err.message)) resolve({ kind: "error", error: "refused address: not a public unicast address", blocked: true });
          else resolve({ kind: "error", error: err.code ? `connection failed (${err.code})` : "connection failed" });
        });
        request.end(body);
      });
    },
  };
}

import { isIP } from "node:net";
import type { WebhookUrlCheck } from "../../app/notification/ports.js";
import type { FieldViolation } from "../../domain/errors.js";
import { type AddressPolicy, isAllowedAddress } from "./address-policy.js";

const MAX_URL_CHARS = 2048;

/**
 * The registration check of a webhook URL: https (http only when WEBHOOK_ALLOW_HTTP), a host,
 * no userinfo, no fragment, at most 2048 characters, and a literal IP only when it is public or
 * allowlisted. A host name is judged at connect time, on the address it resolves to (the
 * sender's request-filtering-agent), since DNS can change after registration.
 */
export function createWebhookUrlCheck(opts: AddressPolicy & { readonly allowHttp: boolean }): WebhookUrlCheck {
  return (text, field) => {
    const problem = (rule: string, message: string): FieldViolation[] => [{ field, rule, message }];
    if (text.length > MAX_URL_CHARS) return problem("webhook_url.max_len", `must be at most ${MAX_URL_CHARS} characters`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return problem("webhook_url.valid", "must be an absolute URL");
    }
    if (url.protocol !== "https:" && !(opts.allowHttp && url.protocol === "http:")) {
      return problem("webhook_url.scheme", opts.allowHttp ? "must be an https or http URL" : "must be an https URL");
    }
    if (url.username !== "" || url.password !== "") return problem("webhook_url.no_userinfo", "must not carry credentials");
    if (url.hash !== "") return problem("webhook_url.no_fragment", "must not have a fragment");
    if (url.hostname === "") return problem("webhook_url.host", "must name a host");
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) !== 0 && !isAllowedAddress(host, opts))
      return problem("webhook_url.public_address", "must not point to a private, loopback or link-local address");
    return [];
  };
}

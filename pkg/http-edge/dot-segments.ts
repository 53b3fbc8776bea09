import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/**
 * True when the path of a request target has a `.` or `..` segment, spelled out or
 * percent-encoded in any case (`%2e`, `%2E`), with `/` or `\` as the separator (WHATWG URL
 * parsing treats `\` as `/` for http URLs). Such paths are rejected rather than normalized:
 * `new URL()` would resolve `/healthz/../v1/launchpads` to `/v1/launchpads`, so a request could
 * reach a route that path-based rules in front of the service (ingress, proxies) never saw.
 */
export function hasDotSegment(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0];
  return path.split(/[/\\]/).some((segment) => {
    const decoded = segment.replace(/%2e/gi, ".");
    return decoded === "." || decoded === "..";
  });
}

/** Answers 400 (code INVALID_ARGUMENT) and returns true when the request path has a dot segment. */
export function rejectDotSegments(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): boolean {
  if (!hasDotSegment(req.url ?? "/")) return false;
  const body = JSON.stringify({ code: 3, message: "the request path must not contain . or .. segments", details: [] });
  res.writeHead(400, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}

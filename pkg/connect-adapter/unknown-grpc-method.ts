import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code } from "@connectrpc/connect";

/** gRPC and gRPC-Web requests: `application/grpc`, `application/grpc+proto`, `application/grpc-web+json`... */
export function isGrpcRequest(req: IncomingMessage | Http2ServerRequest): boolean {
  return /^application\/grpc(-web)?([+;]|$)/i.test(req.headers["content-type"] ?? "");
}

/**
 * Answers a gRPC or gRPC-Web call to a method this server does not serve the way gRPC servers
 * do: HTTP 200 with grpc-status 12 (UNIMPLEMENTED), which every gRPC client reads as the call's
 * status. An HTTP 404 would reach them as a transport error instead.
 */
export function answerUnknownGrpcMethod(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  const path = (req.url ?? "/").split("?", 1)[0];
  // Answer once the request is in: ending the answer first would make node reset the stream
  // (RST_STREAM NO_ERROR), which gRPC clients report as INTERNAL instead of the status.
  req.resume();
  req.once("end", () => {
    const status = { "grpc-status": String(Code.Unimplemented), "grpc-message": percentEncode(`unknown method ${path}`) };
    // gRPC reads the status from trailers; gRPC-Web (no trailers in browsers) from the headers.
    const web = /^application\/grpc-web/i.test(req.headers["content-type"] ?? "");
    res.writeHead(200, { "content-type": req.headers["content-type"], ...(web ? status : {}) });
    if (!web) res.addTrailers(status);
    res.end();
  });
}

/** grpc-message encoding (gRPC over HTTP/2 spec): only `%` and bytes outside printable ASCII are escaped. */
function percentEncode(message: string): string {
  return message.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
}

import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import http2, { type Http2ServerRequest } from "node:http2";
import { createRegistry, toJson, type DescService, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { Code, type ConnectRouter, type ContextValues, type Interceptor } from "@connectrpc/connect";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { file_google_rpc_error_details } from "../../gen/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../../gen/google/rpc/status_pb.js";
import { buildRequest } from "./build-request.js";
import { renderError } from "./error-response.js";
import { HttpError } from "./http-error.js";
import { createInProcessTransports } from "./in-process-transport.js";
import { createLenientEnums } from "./lenient-enums.js";
import { readJsonBody } from "./read-body.js";
import { createRouteTable, type Route } from "./route-table.js";

/** Options of {@link createHttpTranscoder}. */
export interface HttpTranscoderOptions {
  /** Services whose `google.api.http` annotations become REST routes. */
  readonly services: readonly DescService[];
  /** Registers the implementations, exactly as for `connectNodeAdapter({ routes })`. */
  readonly routes: (router: ConnectRouter) => void;
  /** Router interceptors (validation, auth, logging): they run for REST calls as for gRPC. */
  readonly interceptors?: Interceptor[];
  /** Only paths starting with this prefix are considered (e.g. `"/v1/"`). */
  readonly prefix?: string;
  /** Largest request body read, in bytes; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * A body over `maxBodyBytes` is still read (and dropped) up to this many bytes before the 400
   * is answered, so clients that send the whole body before reading the answer see it; default
   * 8 MiB. Larger bodies get the 400 at once and the connection is closed.
   */
  readonly drainBodyBytes?: number;
  /** Extra types for `google.protobuf.Any` fields and error details. */
  readonly registry?: Registry;
  /**
   * Accept `"female"`, `"Asteroid belt"`... for enum values; see createLenientEnums. With
   * `{ deferUnknown: true }` an unknown name goes on as an undefined number for the validator
   * (`enum.defined_only`) to report along with the request's other problems, instead of a 400
   * on its own; only use it when every request enum carries that rule.
   */
  readonly lenientEnums?: boolean | { readonly deferUnknown: boolean };
  /** Request headers passed on to the RPC; default authorization, x-request-id, traceparent. */
  readonly forwardHeaders?: readonly string[];
  /**
   * Context values for each call, read by interceptors and handlers from `contextValues` and
   * `ctx.values`, as `connectNodeAdapter({ contextValues })` gives them (e.g. the client's address).
   */
  readonly contextValues?: (req: TranscoderRequest) => ContextValues;
}

/** The request and response surface the transcoder uses; node:http and node:http2 both fit. */
export type TranscoderRequest = IncomingMessage | Http2ServerRequest;
export interface TranscoderResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  end(chunk: string): unknown;
  once(event: "close" | "finish", listener: () => void): unknown;
}

/**
 * Handles one request; resolves false when no route matched (the caller answers 404), true when
 * it answered. It never rejects.
 */
export type HttpTranscoder = (req: TranscoderRequest, res: TranscoderResponse) => Promise<boolean>;

const DEFAULT_FORWARD_HEADERS = ["authorization", "x-request-id", "traceparent"];
const MIB = 1024 * 1024;

/**
 * Creates a google.api.http REST transcoder for Connect-ES v2: routes come from the proto
 * annotations (no hand-written route per RPC), and each call runs in-process through the
 * router, so the same interceptors guard REST, gRPC, gRPC-Web and Connect.
 *
 * Mount it as the `fallback` of `connectNodeAdapter`:
 * ```ts
 * const rest = createHttpTranscoder({ services: [BookingService], routes, interceptors, prefix: "/v1/" });
 * connectNodeAdapter({ routes, interceptors, fallback: (req, res) => {
 *   void rest(req, res).then((handled) => { if (!handled) { res.writeHead(404); res.end(); } });
 * }});
 * ```
 * Answers are protobuf JSON (camelCase, defaults included); errors are
 * `{"code": <number>, "message", "details": [Any...]}` with the grpc-gateway status mapping.
 */
export function createHttpTranscoder(opts: HttpTranscoderOptions): HttpTranscoder {
  const table = createRouteTable(opts.services);
  const transports = createInProcessTransports(opts.routes, opts.interceptors);
  const registry = createRegistry(...(opts.registry ? [opts.registry] : []), file_buf_validate_validate, file_google_rpc_error_details, file_google_rpc_status);
  const normalize = opts.lenientEnums ? createLenientEnums(typeof opts.lenientEnums === "object" ? opts.lenientEnums : {}) : undefined;
  const maxBodyBytes = opts.maxBodyBytes ?? MIB;
  const drainBodyBytes = Math.max(maxBodyBytes, opts.drainBodyBytes ?? 8 * MIB);
  const forwardHeaders = (opts.forwardHeaders ?? DEFAULT_FORWARD_HEADERS).map((h) => h.toLowerCase());

  async function call(route: Route, req: TranscoderRequest, res: TranscoderResponse, url: URL, values: string[]): Promise<JsonValue> {
    const body = await readJsonBody(req, maxBodyBytes, drainBodyBytes);
    const input = buildRequest(route, { body, pathValues: values, query: url.searchParams }, registry, normalize);
    const headers = new Headers();
    for (const name of forwardHeaders) {
      const value = req.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    // The RPC sees a cancellation when the client goes away, as a gRPC handler would.
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const transport = transports(opts.contextValues?.(req));
    const { message } = await transport.unary(route.method, abort.signal, undefined, headers, input);
    const json = toJson(route.method.output, message, { alwaysEmitImplicit: true, registry });
    if (!route.responseBody) return json;
    return (json as Record<string, JsonValue>)[route.responseBody.jsonName] ?? null;
  }

  return async function transcode(req, res) {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return false;
    }
    if (opts.prefix !== undefined && !url.pathname.startsWith(opts.prefix)) return false;
    try {
      // HEAD is GET without the body (RFC 9110 §9.3.2): same route, same headers; node drops the body.
      const match = table.match(req.method === "HEAD" ? "GET" : (req.method ?? "GET"), url.pathname);
      if (match.kind === "none") return false;
      if (match.kind === "method-not-allowed") {
        const allow = match.allow.includes("GET") ? [...match.allow, "HEAD"].sort() : match.allow;
        throw new HttpError(405, Code.Unimplemented, `method ${req.method} not allowed for ${url.pathname}`, { allow: allow.join(", ") });
      }
      send(res, 200, {}, await call(match.route, req, res, url, match.values));
    } catch (e) {
      const rendered = renderError(e, registry);
      const headers: OutgoingHttpHeaders = { ...rendered.headers };
      if (rendered.closeConnection) {
        // The rest of the body was never read: HTTP/1.1 must drop the connection; HTTP/2 answers in
        // full, then RST_STREAM(NO_ERROR) tells the client to stop sending (RFC 9113 §8.1).
        if (req.httpVersionMajor === 1) headers.connection = "close";
        else res.once("finish", () => (req as Http2ServerRequest).stream.close(http2.constants.NGHTTP2_NO_ERROR));
      }
      send(res, rendered.status, headers, rendered.body);
    }
    return true;
  };
}

function send(res: TranscoderResponse, status: number, headers: OutgoingHttpHeaders, body: JsonValue): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(data) });
  res.end(data);
}

import { create } from "@bufbuild/protobuf";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type Interceptor,
  type UnaryRequest,
} from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalServerRequest, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { answerUnknownGrpcMethod, isGrpcRequest } from "./unknown-grpc-method.js";
import { readEarlyFailure } from "./undecodable.js";

/** A request listener for node:http and node:http2 (compatibility API) alike. */
export type NodeHandlerFn = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/** Options of {@link createConnectAdapter}: those of `connectNodeAdapter`, plus `failureInterceptors`. */
export interface ConnectAdapterOptions extends ConnectRouterOptions {
  /** Registers the services, as for `connectNodeAdapter`. */
  readonly routes: (router: ConnectRouter) => void;
  /** Answers requests for paths no RPC serves; gRPC requests never get here (they get UNIMPLEMENTED). */
  readonly fallback?: NodeHandlerFn;
  /**
   * Interceptors that observe RPCs failing before `interceptors` ran: a request Connect cannot
   * decode, one over `readMaxBytes`, a bad timeout header. They are called with an empty request
   * message and a `next` that throws the RPC's error, so logging and metrics see every RPC.
   */
  readonly failureInterceptors?: readonly Interceptor[];
  /** Context values for each request, as `connectNodeAdapter({ contextValues })` gives them (e.g. the client's address). */
  readonly contextValues?: (req: IncomingMessage | Http2ServerRequest) => ContextValues;
}

/** Set by the outermost interceptor: the RPC reached the interceptors, so they saw its outcome. */
const reachedInterceptors = createContextKey(false, { description: "reached interceptors" });
const markReached: Interceptor = (next) => (req) => {
  req.contextValues.set(reachedInterceptors, true);
  return next(req);
};

/**
 * `connectNodeAdapter` with honest answers to bad requests. connect-node parses a unary request
 * before any interceptor runs and answers a body it cannot decode (truncated, invalid UTF-8, a
 * wrong wire type) with INTERNAL "parse binary: ..." (the serializer is shared with clients, for
 * which a bad response is an internal error). Here such a request is INVALID_ARGUMENT, and
 * `failureInterceptors` see it like any other RPC. A gRPC request for a method nobody serves
 * answers grpc-status UNIMPLEMENTED, as gRPC clients expect, instead of reaching `fallback`.
 */
export function createConnectAdapter(options: ConnectAdapterOptions): NodeHandlerFn {
  const router = createConnectRouter({
    acceptCompression: [compressionGzip, compressionBrotli],
    ...options,
    interceptors: [markReached, ...(options.interceptors ?? [])],
  });
  options.routes(router);
  const paths = new Map(router.handlers.map((h) => [h.requestPath, h] as const));

  return (req, res) => {
    const handler = paths.get((req.url ?? "").split("?", 1)[0]);
    if (!handler) {
      if (isGrpcRequest(req)) return answerUnknownGrpcMethod(req, res);
      if (options.fallback) return options.fallback(req, res);
      res.writeHead(404);
      res.end();
      return;
    }
    const contextValues = options.contextValues?.(req) ?? createContextValues();
    let uReq: UniversalServerRequest;
    try {
      uReq = universalRequestFromNodeRequest(req, res, undefined, contextValues);
    } catch {
      // An HTTP/1.0 request without a Host header has no URL to build: bad input, not a hang.
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("a Host header is required\n");
      return;
    }
    void handler(uReq)
      .then((uRes) =>
        contextValues.get(reachedInterceptors) ? uRes : answerEarlyFailure(handler, uReq, uRes, contextValues, options.failureInterceptors ?? []),
      )
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      // The client went away mid-answer: nothing left to tell anyone.
      .catch(() => undefined);
  };
}

/** Maps INTERNAL (the decoder's code) to INVALID_ARGUMENT and lets the failure interceptors observe the RPC. */
async function answerEarlyFailure(
  handler: UniversalHandler,
  req: UniversalServerRequest,
  res: UniversalServerResponse,
  contextValues: ContextValues,
  failureInterceptors: readonly Interceptor[],
): Promise<UniversalServerResponse> {
  const failure = await readEarlyFailure(req, res);
  if (!failure) return res;
  // Nothing but decoding ran: an INTERNAL here is always the client's bytes, never our fault.
  const code = failure.error.code === Code.Internal ? Code.InvalidArgument : failure.error.code;
  const error = new ConnectError(failure.error.rawMessage, code);
  const observed: UnaryRequest = {
    stream: false,
    service: handler.service,
    method: handler.method as UnaryRequest["method"],
    requestMethod: req.method,
    url: req.url,
    signal: req.signal,
    header: req.header,
    contextValues,
    message: create(handler.method.input),
  };
  const fail = failureInterceptors.reduceRight((next, interceptor) => interceptor(next), (() => Promise.reject(error)) as Parameters<Interceptor>[0]);
  await fail(observed).catch(() => undefined);
  return failure.withCode(code);
}

import { create } from "@bufbuild/protobuf";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
  createContextKey,
  createContextValues,
  createMethodImplSpec,
  createServiceImplSpec,
  type Interceptor,
  type UnaryRequest,
} from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import {
  type UniversalHandler,
  type UniversalServerRequest,
  type UniversalServerResponse,
  validateUniversalHandlerOptions,
} from "@connectrpc/connect/protocol";
import { createGrpcUnaryRoute, type StreamRoute, type UnaryImplSpec } from "./grpc-unary.js";
import { earlyFailureError, observeEarlyFailure } from "./early-failure.js";
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
  /** Context values for each request, from the address of the client's end of the connection. */
  readonly contextValues?: (remoteAddress: string | undefined) => ContextValues;
}

/** The adapter's request listener, plus the gRPC unary calls it serves on HTTP/2's core API (pkg/h2c-server's `streams`). */
export type ConnectAdapter = NodeHandlerFn & { readonly grpcUnary: StreamRoute };

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
export function createConnectAdapter(options: ConnectAdapterOptions): ConnectAdapter {
  const routerOptions = { acceptCompression: [compressionGzip, compressionBrotli], ...options };
  const router = createConnectRouter({ ...routerOptions, interceptors: [markReached, ...(options.interceptors ?? [])] });
  const unary = new Map<string, UnaryImplSpec>();
  options.routes(recordingUnary(router, unary));
  const paths = new Map(router.handlers.map((h) => [h.requestPath, h] as const));
  const contextValuesOf = options.contextValues ?? (() => createContextValues());
  const grpcUnary = createGrpcUnaryRoute({
    methods: unary,
    interceptors: options.interceptors ?? [],
    failureInterceptors: options.failureInterceptors ?? [],
    handlerOptions: validateUniversalHandlerOptions(routerOptions),
    contextValues: contextValuesOf,
  });

  const handle: NodeHandlerFn = (req, res) => {
    const handler = paths.get((req.url ?? "").split("?", 1)[0]);
    if (!handler) {
      if (isGrpcRequest(req)) return answerUnknownGrpcMethod(req, res);
      if (options.fallback) return options.fallback(req, res);
      res.writeHead(404);
      res.end();
      return;
    }
    const contextValues = contextValuesOf(req.socket?.remoteAddress);
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
  return Object.assign(handle, { grpcUnary });
}

/**
 * The router, noting each unary method registered without options of its own: those are the
 * ones the gRPC unary path serves with the router's interceptors (options would change them).
 */
function recordingUnary(router: ConnectRouter, unary: Map<string, UnaryImplSpec>): ConnectRouter {
  const note = (spec: ReturnType<typeof createServiceImplSpec>["methods"][string]) => {
    if (spec.kind === "unary") unary.set(`/${spec.method.parent.typeName}/${spec.method.name}`, spec);
  };
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, opts) {
      router.service(service, implementation, opts);
      if (!opts) for (const spec of Object.values(createServiceImplSpec(service, implementation).methods)) note(spec);
      return recording;
    },
    rpc(method, implementation, opts) {
      router.rpc(method, implementation, opts);
      if (!opts) note(createMethodImplSpec(method, implementation));
      return recording;
    },
  };
  return recording;
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
  const error = earlyFailureError(failure.error);
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
  await observeEarlyFailure(failureInterceptors, observed, error);
  return failure.withCode(error.code);
}

import { Code, type ConnectRouter, ConnectError, type ContextValues, createConnectRouter, type Interceptor, type Transport } from "@connectrpc/connect";
import { createAsyncIterable, type UniversalClientFn, type UniversalHandler } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";

/** Gives the transport for one call; its handlers see `contextValues` in `ctx.values`. */
export type InProcessTransports = (contextValues: ContextValues | undefined) => Transport;

/**
 * Calls a Connect router in-process, like `createRouterTransport`, but hands each call's
 * context values to the server side. (`createRouterTransport` keeps a call's `contextValues` on
 * the client side: the handlers and the router's interceptors get fresh, empty ones, so a value
 * such as the client's network address could not reach them.)
 */
export function createInProcessTransports(routes: (router: ConnectRouter) => void, interceptors: Interceptor[] | undefined): InProcessTransports {
  const router = createConnectRouter({ interceptors, connect: true });
  routes(router);
  const handlers = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));
  return (contextValues) =>
    createTransport({
      httpClient: handlerClient(handlers, contextValues),
      baseUrl: "https://in-process",
      useBinaryFormat: true,
      interceptors: [],
      acceptCompression: [],
      sendCompression: null,
      compressMinBytes: Number.MAX_SAFE_INTEGER,
      readMaxBytes: Number.MAX_SAFE_INTEGER,
      writeMaxBytes: Number.MAX_SAFE_INTEGER,
    });
}

function handlerClient(handlers: ReadonlyMap<string, UniversalHandler>, contextValues: ContextValues | undefined): UniversalClientFn {
  return async (req) => {
    const path = new URL(req.url).pathname;
    const handler = handlers.get(path);
    if (!handler) throw new ConnectError(`no handler registered for ${path}`, Code.Unimplemented);
    const res = await handler({
      body: req.body ?? createAsyncIterable([]),
      httpVersion: "2.0",
      method: req.method,
      url: req.url,
      header: req.header,
      signal: req.signal ?? new AbortController().signal,
      contextValues,
    });
    return { status: res.status, header: new Headers(res.header), body: res.body ?? createAsyncIterable([]), trailer: new Headers(res.trailer) };
  };
}

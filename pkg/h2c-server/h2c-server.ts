import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, {
  type Http2ServerRequest,
  type Http2ServerResponse,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import { armBodyTimeout } from "./body-timeout.js";
import { sniffConnection } from "./sniff-connection.js";

/** A Node request handler that serves both protocols, such as `connectNodeAdapter(...)`. */
export type H2cHandler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/**
 * HTTP/2 streams served on node:http2's core API: given a stream's headers, returns the function
 * that answers it, or undefined to hand the stream to the {@link H2cHandler} as a request and a
 * response (the compatibility API, which costs a call more).
 */
type H2cStreamRoute = (headers: IncomingHttpHeaders) => ((stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void) | undefined;

/** Timeouts (in milliseconds) and limits of {@link createH2cServer}. */
export interface H2cServerOptions {
  /** Time for a new connection to send enough bytes to pick a protocol; default 5 s. */
  readonly sniffTimeoutMs?: number;
  /** HTTP/1.1: time to receive the request headers (slowloris guard); default 10 s. */
  readonly headersTimeoutMs?: number;
  /** HTTP/1.1: time to receive the whole request; default 60 s. */
  readonly requestTimeoutMs?: number;
  /** HTTP/1.1: how long an idle keep-alive connection stays open between requests; default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * HTTP/1.1: a socket with no traffic for this long is destroyed, even mid-request.
   * HTTP/2: a session with no open stream for this long gets GOAWAY; streams that are open but
   * quiet (a health Watch) are never cut. Default 5 min.
   */
  readonly idleTimeoutMs?: number;
  /**
   * HTTP/2: a stream whose request body is still open and on which nothing moved for this long is
   * reset (RST_STREAM CANCEL); default 30 s. HTTP/1.1 bodies are bounded by `requestTimeoutMs`.
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Requests whose response may stay quiet for long (a server stream of changes): on HTTP/1.1 the
   * idle timeout does not apply to their connection while they are open (HTTP/2 never cuts an
   * open stream). A dead client is still found by TCP keep-alive, on every connection.
   */
  readonly isLongLived?: (req: IncomingMessage | Http2ServerRequest) => boolean;
  /** Idle time before TCP keep-alive probes start on a connection, so dead peers are found; default 60 s. */
  readonly tcpKeepAliveMs?: number;
  /** HTTP/2: streams one session may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); default 100. */
  readonly maxConcurrentStreams?: number;
  /**
   * Requests in flight over all connections; default 1,000. Past it an HTTP/2 stream is refused
   * (RST_STREAM REFUSED_STREAM, which clients may retry safely) and HTTP/1.1 answers 503.
   */
  readonly maxActiveRequests?: number;
  /** Open TCP connections (HTTP/2 sessions included); more are closed at once. Default 1,000. */
  readonly maxConnections?: number;
  /** Other options for the HTTP/2 server; `settings.maxConcurrentStreams` wins over `maxConcurrentStreams`. */
  readonly http2?: http2.ServerOptions;
  /** HTTP/2 streams to serve on the core API; they count against the same limits and body timeout. */
  readonly streams?: H2cStreamRoute;
}

/** One port serving h2c (gRPC and HTTP/2 clients) and HTTP/1.1 (REST, Connect, curl, probes). */
export interface H2cServer {
  /** Starts listening; resolves with the bound address (use port 0 for an ephemeral port). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful stop: stops accepting connections, sends GOAWAY to HTTP/2 sessions, closes idle
   * HTTP/1.1 keep-alive connections and answers in-flight HTTP/1.1 requests with
   * `Connection: close`, lets in-flight requests finish, then destroys whatever is still open
   * after `graceMs` (default 10 s). Resolves once every connection is closed. Idempotent.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
  /** Requests whose response has not closed yet, over both protocols. */
  readonly activeRequests: number;
  /** Resolves when no request is in flight (at once if none is). */
  whenIdle(): Promise<void>;
}

/**
 * Creates a single-port server for prior-knowledge h2c and HTTP/1.1, with one handler for both.
 * `http2.createServer({ allowHTTP1: true })` only negotiates HTTP/1.1 over TLS (ALPN); over
 * cleartext it rejects HTTP/1.1. So each connection's first bytes are sniffed for the HTTP/2
 * preface and the socket is handed to an `http2` or an `http` server.
 */
export function createH2cServer(handler: H2cHandler, opts: H2cServerOptions = {}): H2cServer {
  const idleTimeoutMs = opts.idleTimeoutMs ?? 300_000;
  const headersTimeoutMs = opts.headersTimeoutMs ?? 10_000;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? 30_000;
  const maxActiveRequests = opts.maxActiveRequests ?? 1_000;
  const sockets = new Set<Socket>();
  const undecided = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  const h1Responses = new Set<ServerResponse>();
  const idleWaiters = new Set<() => void>();
  let active = 0;
  let draining = false;
  let closing: Promise<void> | undefined;

  /** A request or stream closed: one fewer in flight. */
  const settled = (): void => {
    active--;
    if (active === 0) {
      for (const wake of idleWaiters) wake();
      idleWaiters.clear();
    }
  };

  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    const h1 = req.httpVersionMajor === 1 ? (res as ServerResponse) : undefined;
    if (active >= maxActiveRequests) {
      refuse(req, res);
      return;
    }
    active++;
    if (!h1) armBodyTimeout((req as Http2ServerRequest).stream, bodyTimeoutMs);
    if (h1) {
      h1Responses.add(h1);
      if (draining) h1.setHeader("connection", "close");
      if (opts.isLongLived?.(req)) {
        // Quiet is normal for this response; the connection's idle timer resumes after it.
        req.socket.setTimeout(0);
        res.once("close", () => req.socket.destroyed || req.socket.setTimeout(idleTimeoutMs));
      }
    }
    res.once("close", () => {
      if (h1) {
        h1Responses.delete(h1);
        // The connection just became idle: while draining, close it rather than keep it alive.
        if (draining) setImmediate(() => h1Server.closeIdleConnections());
      }
      settled();
    });
    handler(req, res);
  };

  const h1Server = http.createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: opts.requestTimeoutMs ?? 60_000,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5_000,
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    },
    onRequest,
  );
  h1Server.timeout = idleTimeoutMs;
  // node:http starts connection tracking (headers/request timeouts, closeIdleConnections) on
  // 'listening'. This server never listens itself (sockets arrive via 'connection'), so start it.
  h1Server.emit("listening");

  const h2Server = http2.createServer(
    { ...opts.http2, settings: { maxConcurrentStreams: opts.maxConcurrentStreams ?? 100, ...opts.http2?.settings } },
    onRequest,
  );
  if (opts.streams)
    routeStreams(h2Server, opts.streams, (stream, headers, serve) => {
      if (active >= maxActiveRequests) {
        stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      active++;
      armBodyTimeout(stream, bodyTimeoutMs);
      stream.once("close", settled);
      serve(stream, headers);
    });
  h2Server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    if (draining) session.close();
    else closeWhenIdle(session, idleTimeoutMs);
  });

  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setKeepAlive(true, opts.tcpKeepAliveMs ?? 60_000);
    if (draining) {
      socket.destroy();
      return;
    }
    undecided.add(socket);
    socket.once("close", () => undecided.delete(socket));
    sniffConnection(socket, opts.sniffTimeoutMs ?? 5_000, (protocol) => {
      undecided.delete(socket);
      (protocol === "h2" ? h2Server : h1Server).emit("connection", socket);
    });
  });

  tcp.maxConnections = opts.maxConnections ?? 1_000;

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          tcp.off("error", reject);
          resolve(tcp.address() as AddressInfo);
        });
      }),
    close: ({ graceMs = 10_000 } = {}) =>
      (closing ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
        for (const socket of undecided) socket.destroy();
        for (const session of sessions) session.close();
        for (const res of h1Responses) if (!res.headersSent) res.setHeader("connection", "close");
        h1Server.closeIdleConnections();
        const deadline = setTimeout(() => {
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        await closed;
        clearTimeout(deadline);
        h1Server.close(); // stops its connection-checking interval
      })()),
    get activeRequests() {
      return active;
    },
    whenIdle: () => new Promise<void>((resolve) => (active === 0 ? resolve() : idleWaiters.add(resolve))),
  };
}

/**
 * Turns a request away without running the handler: HTTP/2 refuses the stream, which tells the
 * client nothing was processed; HTTP/1.1 answers 503 and closes the connection.
 */
function refuse(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  if (req.httpVersionMajor !== 1) {
    (req as Http2ServerRequest).stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    return;
  }
  res.writeHead(503, { "content-type": "text/plain", "retry-after": "1", connection: "close" });
  res.end("server busy\n");
}

/**
 * Puts `route` in front of node's compatibility layer: node turns every stream into a request
 * and a response in its own 'stream' listener (installed for the 'request' listener), so that
 * listener is taken off and called only for the streams `route` leaves alone.
 */
function routeStreams(
  server: http2.Http2Server,
  route: H2cStreamRoute,
  take: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, serve: NonNullable<ReturnType<H2cStreamRoute>>) => void,
): void {
  const compat = server.listeners("stream") as ((...args: unknown[]) => void)[];
  server.removeAllListeners("stream");
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, ...rest: unknown[]) => {
    const serve = route(headers);
    if (serve) take(stream, headers, serve);
    else for (const listener of compat) listener.call(server, stream, headers, ...rest);
  });
}

/** Sends GOAWAY to a session that has had no open stream for `idleMs`. */
function closeWhenIdle(session: ServerHttp2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => session.close(), idleMs);
    timer.unref();
  };
  session.on("stream", (stream) => {
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      if (--open === 0 && !session.closed) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
  arm();
}

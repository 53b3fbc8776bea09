import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import cors from "cors";

/** Options of {@link createCors}. */
export interface CorsOptions {
  /** Origins allowed to call, e.g. `https://app.example.com`; `*` allows any; empty allows none. */
  readonly allowedOrigins: readonly string[];
  /** Methods for Access-Control-Allow-Methods (Connect's `cors.allowedMethods` plus the REST ones). */
  readonly allowedMethods: readonly string[];
  /** Request headers browsers may send (Connect's `cors.allowedHeaders` plus the application's). */
  readonly allowedHeaders: readonly string[];
  /** Response headers scripts may read (Connect's `cors.exposedHeaders`: grpc-status, grpc-message...). */
  readonly exposedHeaders: readonly string[];
  /** How long browsers may cache a preflight answer; default 2 hours (Chromium's cap). */
  readonly maxAgeSeconds?: number;
}

/**
 * CORS for browser clients, with the `cors` middleware. Returns a function that adds the CORS
 * headers to the response and answers preflight OPTIONS requests itself (204): it returns true
 * when it answered, false when the request goes on to the routes. With no allowed origin it does
 * nothing at all, so browsers on other origins are refused as without CORS.
 */
export function createCors(opts: CorsOptions): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => boolean {
  if (opts.allowedOrigins.length === 0) return () => false;
  const middleware = cors({
    origin: opts.allowedOrigins.includes("*") ? "*" : [...opts.allowedOrigins],
    methods: [...opts.allowedMethods],
    allowedHeaders: [...opts.allowedHeaders],
    exposedHeaders: [...opts.exposedHeaders],
    maxAge: opts.maxAgeSeconds ?? 7_200,
  });
  return (req, res) => {
    let passed = false;
    // With a static origin list the middleware is synchronous: it calls next() at once or ends the preflight.
    middleware(req as IncomingMessage, res as ServerResponse, () => (passed = true));
    return !passed;
  };
}

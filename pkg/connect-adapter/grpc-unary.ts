import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { create, type DescMethodUnary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextKey,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import {
  compressionNegotiate,
  createMethodSerializationLookup,
  encodeEnvelope,
  envelopeCompress,
  type EnvelopedMessage,
  type UniversalHandlerOptions,
} from "@connectrpc/connect/protocol";
import { contentTypeProto, parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { earlyFailureError, observeEarlyFailure } from "./early-failure.js";

/** A unary method's registered implementation, as `router.service()` received it. */
export type UnaryImplSpec = Extract<MethodImplSpec, { kind: "unary" }>;

/** Serves one HTTP/2 stream on the core API; see {@link createGrpcUnaryRoute}. */
type StreamServer = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void;

/** Picks the streams it serves from their headers alone; undefined leaves a stream to the request handler. */
export type StreamRoute = (headers: IncomingHttpHeaders) => StreamServer | undefined;

/** What {@link createGrpcUnaryRoute} needs: the router's options (validated), its unary methods and interceptors. */
export interface GrpcUnaryOptions {
  /** The registered unary implementations by request path (`/pkg.Service/Method`). */
  readonly methods: ReadonlyMap<string, UnaryImplSpec>;
  readonly interceptors: readonly Interceptor[];
  /** Observe RPCs that fail before `interceptors` run (see ConnectAdapterOptions). */
  readonly failureInterceptors: readonly Interceptor[];
  readonly handlerOptions: Pick<
    UniversalHandlerOptions,
    "acceptCompression" | "readMaxBytes" | "writeMaxBytes" | "compressMinBytes" | "maxTimeoutMs" | "binaryOptions" | "jsonOptions"
  >;
  readonly contextValues: (remoteAddress: string | undefined) => ContextValues;
}

/** Envelope headers are 5 bytes: flags, then the message length (big-endian). */
const ENVELOPE_HEADER = 5;
const GRPC_CONTENT_TYPE = /^application\/grpc(\+proto)?$/;
/** The time left of a call with a deadline, for HandlerContext.timeoutMs. */
const deadlineKey = createContextKey<number | undefined>(undefined, { description: "grpc deadline (epoch ms)" });

/**
 * gRPC unary calls in protobuf on node:http2's core API: the same interceptors, the same service
 * implementations and the same answers as Connect's gRPC handler (trailers, status details,
 * deadlines, response compression, readMaxBytes), without what the general path costs a call
 * that has one message each way: the compatibility request and response objects, async
 * iterables per message, a URL parse, copies of the request headers, and an AbortSignal fired
 * (with its DOMException) after every call. The signal fires only when the call is given up on:
 * its deadline passed, or its stream closed before the answer (client cancel, server shutdown).
 *
 * It takes only what it answers exactly as Connect does and leaves the rest to Connect by
 * returning undefined: other protocols, JSON codecs, streaming methods, compressed requests, a
 * grpc-timeout Connect would refuse, unknown paths (UNIMPLEMENTED), browsers (an Origin header).
 */
export function createGrpcUnaryRoute(opts: GrpcUnaryOptions): StreamRoute {
  const { readMaxBytes, compressMinBytes, maxTimeoutMs, acceptCompression } = opts.handlerOptions;
  const servers = new Map<string, (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, timeoutMs: number | undefined) => void>();
  for (const [path, spec] of opts.methods) servers.set(path, unaryServer(spec, opts));
  return (headers) => {
    const serve = servers.get(headers[":path"] ?? "");
    if (!serve || headers[":method"] !== "POST" || !GRPC_CONTENT_TYPE.test(headers["content-type"] ?? "")) return undefined;
    if (headers.origin !== undefined || (headers["grpc-encoding"] ?? "identity") !== "identity" || headers[":authority"] === undefined) return undefined;
    const timeout = parseTimeout(header(headers, "grpc-timeout"), maxTimeoutMs);
    if (timeout.error) return undefined;
    return (stream) => serve(stream, headers, timeout.timeoutMs);
  };

  function unaryServer(spec: UnaryImplSpec, o: GrpcUnaryOptions) {
    const method = spec.method as DescMethodUnary;
    const service = method.parent;
    const serialization = createMethodSerializationLookup(method, o.handlerOptions.binaryOptions, o.handlerOptions.jsonOptions, o.handlerOptions);
    const parse = serialization.getI(true);
    const serialize = serialization.getO(true);
    const handler = async (req: UnaryRequest): Promise<UnaryResponse> => {
      const header = new Headers({ "content-type": contentTypeProto });
      const trailer = new Headers();
      const ctx: HandlerContext = {
        method,
        service,
        signal: req.signal,
        timeoutMs: () => {
          const at = req.contextValues.get(deadlineKey);
          return at === undefined ? undefined : at - Date.now();
        },
        requestMethod: req.requestMethod,
        requestHeader: req.header,
        responseHeader: header,
        responseTrailer: trailer,
        protocolName: "grpc",
        values: req.contextValues,
        url: req.url,
      };
      const message = create(method.output, await spec.impl(req.message as never, ctx));
      return { stream: false, service, method, header, trailer, message };
    };
    // Interceptors only wrap `next`: the chain is built once per method, not per call.
    const chain = o.interceptors.reduceRight((next, interceptor) => interceptor(next), handler as Parameters<Interceptor>[0]);

    return (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, timeoutMs: number | undefined): void => {
      const compression = compressionNegotiate(acceptCompression, null, header(headers, "grpc-accept-encoding"), "grpc-accept-encoding").response;
      const controller = new AbortController();
      let answered = false;
      const deadline =
        timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
      // A reset stream reports an error; its 'close' below is what the call needs to know.
      stream.on("error", () => undefined);
      stream.once("close", () => {
        clearTimeout(deadline);
        if (!answered) controller.abort(new ConnectError("the stream closed before the answer", Code.Canceled));
      });
      const contextValues = o.contextValues(stream.session?.socket?.remoteAddress);
      if (timeoutMs !== undefined) contextValues.set(deadlineKey, Date.now() + timeoutMs);
      const request = (message: UnaryRequest["message"]): UnaryRequest => ({
        stream: false,
        service,
        method,
        requestMethod: "POST",
        url: `http://${headers[":authority"]}${headers[":path"]}`,
        signal: controller.signal,
        header: requestHeaders(headers),
        contextValues,
        message,
      });
      const finish = (headerOut: OutgoingHttpHeaders, body: Uint8Array | undefined, trailerOut: OutgoingHttpHeaders) => {
        if (answered) return;
        answered = true;
        clearTimeout(deadline);
        if (stream.destroyed || stream.closed) return;
        try {
          // Headers, message and trailers leave together: respond() and end() queue them in one
          // tick, and the trailers follow as soon as nghttp2 asks for them.
          stream.respond({ ":status": 200, ...headerOut }, { waitForTrailers: true });
          stream.once("wantTrailers", () => stream.sendTrailers(trailerOut));
          stream.end(body);
        } catch {
          // The session went away between the check and the answer: nobody is left to tell.
          stream.destroy();
        }
      };
      const fail = (error: ConnectError) => {
        const h: OutgoingHttpHeaders = { "content-type": contentTypeProto };
        if (compression) h["grpc-encoding"] = compression.name;
        finish(h, undefined, nodeHeaders(setTrailerStatus(new Headers(), error)));
      };
      /** A call that fails before the interceptors: the failure interceptors see it with an empty message. */
      const failEarly = (error: ConnectError) => {
        const e = earlyFailureError(error);
        void observeEarlyFailure(o.failureInterceptors, request(create(method.input)), e).then(() => fail(e));
      };

      const reader = envelopeReader(readMaxBytes);
      const onData = (chunk: Buffer) => {
        const problem = reader.push(chunk);
        if (problem) {
          stream.off("data", onData).off("end", onEnd);
          failEarly(problem);
        }
      };
      const onEnd = () => {
        const read = reader.end();
        if (read instanceof ConnectError) return failEarly(read);
        let message: UnaryRequest["message"];
        try {
          if (read.flags !== 0) throw new ConnectError("received compressed envelope, but do not know how to decompress", Code.Internal);
          message = parse.parse(read.data);
        } catch (e) {
          return failEarly(ConnectError.from(e));
        }
        const req = request(message);
        chain(req)
          .then(async (res) => {
            // An interceptor that answers a unary request with a stream breaks Connect's contract too.
            if (res.stream) throw new ConnectError("a unary method answered with a stream", Code.Internal);
            let envelope: EnvelopedMessage = { flags: 0, data: serialize.serialize(res.message) };
            if (compression) envelope = await envelopeCompress(envelope, compression, compressMinBytes);
            const h = nodeHeaders(res.header);
            if (compression) h["grpc-encoding"] = compression.name;
            const t = nodeHeaders(res.trailer);
            t["grpc-status"] = "0";
            finish(h, encodeEnvelope(envelope.flags, envelope.data), t);
          })
          .catch((e: unknown) => fail(e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e)));
      };
      stream.on("data", onData).once("end", onEnd);
    };
  }
}

const EXTRA_MESSAGE = () => new ConnectError("protocol error: received extra input message for unary method", Code.Unimplemented);

/** Reads the one enveloped message of a unary request, with Connect's checks and messages. */
function envelopeReader(readMaxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  /** Where the first envelope ends, once its header has arrived. */
  let envelopeEnd: number | undefined;
  return {
    /**
     * Adds a chunk; returns the error as soon as the body is known to be wrong: a message over
     * readMaxBytes, or bytes past the one message (which end() would refuse anyway). Failing
     * then, not at the end of the body, keeps what a call buffers within readMaxBytes plus one
     * chunk, whatever the client keeps sending.
     */
    push(chunk: Buffer): ConnectError | undefined {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (envelopeEnd === undefined) {
        if (size < ENVELOPE_HEADER) return undefined;
        const length = (chunks.length === 1 ? chunk : Buffer.concat(chunks)).readUInt32BE(1);
        if (length > readMaxBytes) {
          return new ConnectError(`message size ${length} is larger than configured readMaxBytes ${readMaxBytes}`, Code.ResourceExhausted);
        }
        envelopeEnd = ENVELOPE_HEADER + length;
      }
      return size > envelopeEnd ? EXTRA_MESSAGE() : undefined;
    },
    /** The message once the body ended, or why there is not exactly one. */
    end(): { flags: number; data: Uint8Array } | ConnectError {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      if (size === 0) return new ConnectError("protocol error: missing input message for unary method", Code.Unimplemented);
      if (size < ENVELOPE_HEADER) return new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
      const end = ENVELOPE_HEADER + body.readUInt32BE(1);
      if (end > size) return new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
      if (end < size) return EXTRA_MESSAGE();
      return { flags: body[0], data: body.subarray(ENVELOPE_HEADER, end) };
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === "string" ? value : null;
}

/** The request's metadata as interceptors read it (pseudo-headers left out, as in connect-node). */
function requestHeaders(headers: IncomingHttpHeaders): Headers {
  const h = new Headers();
  for (const key in headers) {
    if (key.charCodeAt(0) === 58 /* ":" */) continue;
    const value = headers[key];
    if (typeof value === "string") h.append(key, value);
    else if (Array.isArray(value)) for (const v of value) h.append(key, v);
  }
  return h;
}

function nodeHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  return out;
}

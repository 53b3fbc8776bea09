import { Code, ConnectError } from "@connectrpc/connect";
import { type UniversalServerRequest, type UniversalServerResponse, createAsyncIterable, readAllBytes } from "@connectrpc/connect/protocol";
import { codeFromString, codeToHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";

/** What an RPC that failed before reaching the interceptors answered, and the same answer with another code. */
export interface EarlyFailure {
  readonly error: ConnectError;
  /** The response with `code` instead of the original one (same message, same protocol). */
  withCode(code: Code): UniversalServerResponse;
}

/** Error answers are small: a few hundred bytes of JSON or one trailer envelope. */
const MAX_ERROR_BYTES = 64 * 1024;

/**
 * Reads the status of a response that Connect produced without running the interceptors (the
 * request could not be decoded, was too large, or had a bad timeout header), for each protocol
 * in its own shape: Connect unary answers JSON with an HTTP status, gRPC puts grpc-status in the
 * trailers, gRPC-Web in a trailer envelope at the end of the body. Returns undefined when the
 * response carries no RPC status (405, 415 answers) or is compressed.
 */
export async function readEarlyFailure(req: UniversalServerRequest, res: UniversalServerResponse): Promise<EarlyFailure | undefined> {
  const contentType = req.header.get("content-type") ?? "";
  if (contentType.startsWith("application/grpc-web")) return readGrpcWeb(res);
  if (contentType.startsWith("application/grpc")) return readGrpc(res);
  return readConnect(res);
}

function readGrpc(res: UniversalServerResponse): EarlyFailure | undefined {
  const trailer = res.trailer;
  const error = trailer && errorFromStatusHeaders(trailer);
  if (!trailer || !error) return undefined;
  return {
    error,
    withCode(code) {
      const rewritten = new Headers(trailer);
      rewritten.set("grpc-status", String(code));
      return { ...res, trailer: rewritten };
    },
  };
}

async function readGrpcWeb(res: UniversalServerResponse): Promise<EarlyFailure | undefined> {
  if (!res.body) return undefined;
  const bytes = await readAllBytes(res.body, MAX_ERROR_BYTES);
  const body = createAsyncIterable([bytes]);
  // One uncompressed trailer envelope: flags, a 4-byte length, "grpc-status: 13\r\n...".
  const length = bytes.byteLength >= 5 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(1) : -1;
  const trailer = bytes[0] === trailerFlag && length === bytes.byteLength - 5 ? trailerParse(bytes.subarray(5)) : undefined;
  const error = trailer && errorFromStatusHeaders(trailer);
  if (!trailer || !error) return { error: new ConnectError("unreadable gRPC-Web answer", Code.Unknown), withCode: () => ({ ...res, body }) };
  return {
    error,
    withCode(code) {
      trailer.set("grpc-status", String(code));
      const data = trailerSerialize(trailer);
      const envelope = new Uint8Array(5 + data.byteLength);
      envelope[0] = trailerFlag;
      new DataView(envelope.buffer).setUint32(1, data.byteLength);
      envelope.set(data, 5);
      return { ...res, body: createAsyncIterable([envelope]) };
    },
  };
}

async function readConnect(res: UniversalServerResponse): Promise<EarlyFailure | undefined> {
  const header = res.header ?? new Headers();
  if (!res.body || header.has("content-encoding") || !(header.get("content-type") ?? "").startsWith("application/json")) return undefined;
  const bytes = await readAllBytes(res.body, MAX_ERROR_BYTES);
  let json: { code?: unknown; message?: unknown };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as typeof json;
  } catch {
    return { error: new ConnectError("unreadable Connect answer", Code.Unknown), withCode: () => ({ ...res, body: createAsyncIterable([bytes]) }) };
  }
  const code = (typeof json.code === "string" && codeFromString(json.code)) || Code.Unknown;
  return {
    error: new ConnectError(typeof json.message === "string" ? json.message : "", code),
    withCode(next) {
      const data = new TextEncoder().encode(JSON.stringify({ ...json, code: codeToString(next) }));
      const rewritten = new Headers(header);
      rewritten.set("content-length", String(data.byteLength));
      return { ...res, status: codeToHttpStatus(next), header: rewritten, body: createAsyncIterable([data]) };
    },
  };
}

function errorFromStatusHeaders(headers: Headers): ConnectError | undefined {
  const status = Number(headers.get("grpc-status") ?? "0");
  if (!Number.isInteger(status) || status === 0) return undefined;
  let message = headers.get("grpc-message") ?? "";
  try {
    message = decodeURIComponent(message);
  } catch {
    // not percent-encoded after all: keep it as sent
  }
  return new ConnectError(message, status in Code ? (status as Code) : Code.Unknown);
}

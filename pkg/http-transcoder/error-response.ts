import { create, fromBinary, toJson, type JsonObject, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { badRequest } from "./bad-request.js";
import { HttpError } from "./http-error.js";

/**
 * HTTP status for each gRPC code, as grpc-gateway and the SpaceT spec map them. Codes missing here
 * (UNKNOWN, INTERNAL, DATA_LOSS) are unexpected failures: 500.
 */
const STATUS: Partial<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.Unauthenticated]: 401,
};

/** The HTTP status for a gRPC code; 500 for codes that mean "unexpected". */
export function httpStatusForCode(code: Code): number {
  return STATUS[code] ?? 500;
}

/** A rendered REST error: status, extra headers and the google.rpc.Status-shaped JSON body. */
export interface RestError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { code: number; message: string; details: JsonValue[] };
  /** The request body was not read to its end, so an HTTP/1.1 connection must not be reused. */
  readonly closeConnection: boolean;
}

/**
 * Renders an error as grpc-gateway does: `{"code": 3, "message": "...", "details": [...]}` with
 * numeric gRPC codes. Each detail is an Any in protobuf JSON (`{"@type": "type.googleapis.com/x", ...}`),
 * decoded with `registry`; a detail of an unknown type keeps its bytes as base64 in `value`.
 *
 * {@link HttpError}s keep their own status; a URIError (bad %-encoding in the path) is a 400.
 * Unexpected errors (500) say only "internal error" and carry no details, so nothing about the
 * server's internals reaches the client; interceptors are the place that logs them.
 */
export function renderError(error: unknown, registry: Registry): RestError {
  if (error instanceof HttpError) {
    const { status, headers, code, message, closeConnection } = error;
    return { status, headers, closeConnection, body: { code, message, details: [] } };
  }
  const err = error instanceof URIError ? badRequest("invalid percent-encoding in the URL path") : ConnectError.from(error);
  const status = httpStatusForCode(err.code);
  if (status === 500) return { status, headers: {}, closeConnection: false, body: { code: err.code, message: "internal error", details: [] } };
  const body = { code: err.code, message: err.rawMessage, details: err.details.map((d) => renderDetail(d, registry)) };
  return { status, headers: statusHeaders(status, err), closeConnection: false, body };
}

/**
 * HTTP's own signals for what the RPC error says: a 401 names the scheme to authenticate with
 * (RFC 9110 §11.6.1; RFC 6750 for Bearer), and a google.rpc.RetryInfo detail becomes
 * Retry-After in whole seconds, rounded up (RFC 9110 §10.2.3), for clients and proxies that
 * never read the body.
 */
function statusHeaders(status: number, err: ConnectError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (status === 401) headers["www-authenticate"] = "Bearer";
  const delay = err.findDetails(RetryInfoSchema)[0]?.retryDelay;
  if (delay) headers["retry-after"] = String(Math.max(0, Math.ceil(Number(delay.seconds) + delay.nanos / 1e9)));
  return headers;
}

/**
 * Details are rendered like answers, with every field present (`"available": 0`, not nothing),
 * as grpc-gateway does by default: a REST client reading JSON by hand sees zero values too.
 */
function renderDetail(detail: ConnectError["details"][number], registry: Registry): JsonValue {
  const options = { registry, alwaysEmitImplicit: true };
  if ("desc" in detail) {
    return anyJson(detail.desc.typeName, toJson(detail.desc, create(detail.desc, detail.value), options));
  }
  const desc = registry.getMessage(detail.type);
  if (!desc) return { "@type": typeUrl(detail.type), value: Buffer.from(detail.value).toString("base64") };
  return anyJson(detail.type, toJson(desc, fromBinary(desc, detail.value), options));
}

const typeUrl = (typeName: string): string => `type.googleapis.com/${typeName}`;

/** google.protobuf.Any JSON: fields inline, or under "value" for types with a special JSON form. */
function anyJson(typeName: string, json: JsonValue): JsonObject {
  return typeof json === "object" && json !== null && !Array.isArray(json) && !typeName.startsWith("google.protobuf.")
    ? { "@type": typeUrl(typeName), ...json }
    : { "@type": typeUrl(typeName), value: json };
}

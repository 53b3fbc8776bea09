import { create, type DescMessage } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor, type StreamRequest, type UnaryRequest } from "@connectrpc/connect";
import type { Logger } from "../app/ports.js";
import { ErrorInfoSchema, RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { DomainError, type ErrorKind } from "../domain/errors.js";
import { mapStreamErrors } from "./map-stream-errors.js";
import { toViolation } from "./violations.js";

const CODE: Record<ErrorKind, Code> = {
  invalid: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  precondition: Code.FailedPrecondition,
  exhausted: Code.ResourceExhausted,
  conflict: Code.Aborted,
  unavailable: Code.Unavailable,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
};

/** A detail a ConnectError sends (connect-es does not export the type). */
export type ErrorDetail = NonNullable<ConstructorParameters<typeof ConnectError>[3]>[number];

/** The typed details a context adds to its own DomainErrors (e.g. a refused booking's availability). */
export type DetailsOf = (e: DomainError) => readonly ErrorDetail[];

/** The `domain` of every google.rpc.ErrorInfo we send. */
const ERROR_DOMAIN = "spacet.v1";

/**
 * The one place errors become RPC statuses, for unary and streaming RPCs alike:
 *
 * - A call whose deadline passed or whose client went away answers DEADLINE_EXCEEDED or
 *   CANCELLED, whatever the work it abandoned threw on the way out.
 * - A DomainError keeps its message and gets an ErrorInfo (its stable reason), a RetryInfo when
 *   retrying makes sense, and, for field problems, the buf.validate.Violations detail
 *   protovalidate sends, so clients read one shape; plus the typed details `details` gives for
 *   it (a context's own error messages, such as a refused booking's availability).
 * - A request stream that cannot be decoded is INVALID_ARGUMENT (connect-es reads it as INTERNAL:
 *   its decoder is shared with clients, for which a bad message is an internal error).
 * - Anything else is logged with its stack and answered as INTERNAL "internal error": no
 *   internals reach clients.
 */
export function createErrorsInterceptor(log: Logger, opts: { details?: DetailsOf } = {}): Interceptor {
  return (next) => async (req) => {
    const toStatus = (e: unknown) => statusOf(e, req, log, opts.details);
    try {
      if (!req.stream) return await next(req);
      const res = await next({ ...req, message: mapStreamErrors(req.message, undecodableIsInvalid) });
      return res.stream ? { ...res, message: mapStreamErrors(res.message, toStatus) } : res;
    } catch (e) {
      throw toStatus(e);
    }
  };
}

function statusOf(e: unknown, req: UnaryRequest | StreamRequest, log: Logger, details: DetailsOf | undefined): ConnectError {
  if (req.signal.aborted) return abandoned(req.signal.reason);
  if (e instanceof DomainError) return toConnectError(e, req.method.input, details?.(e) ?? []);
  if (e instanceof ConnectError) return e;
  log.error({ err: e, rpc: `${req.service.typeName}/${req.method.name}` }, "unhandled rpc error");
  return new ConnectError("internal error", Code.Internal, undefined, undefined, e);
}

/**
 * The status of a call given up on: DEADLINE_EXCEEDED when its deadline passed, else CANCELLED,
 * however the client left (a gRPC client whose own timer fired first resets the stream, which
 * reaches us as INTERNAL; a REST client closes its connection).
 */
function abandoned(reason: unknown): ConnectError {
  const deadline = reason instanceof ConnectError ? reason.code === Code.DeadlineExceeded : reason instanceof Error && reason.name === "TimeoutError";
  return deadline ? new ConnectError("the operation timed out", Code.DeadlineExceeded) : new ConnectError("the client cancelled the call", Code.Canceled);
}

function undecodableIsInvalid(e: unknown): unknown {
  return e instanceof ConnectError && e.code === Code.Internal ? new ConnectError(e.rawMessage, Code.InvalidArgument, e.metadata, undefined, e) : e;
}

function toConnectError(e: DomainError, input: DescMessage, extra: readonly ErrorDetail[]): ConnectError {
  const details: ErrorDetail[] = [
    { desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason: e.reason, domain: ERROR_DOMAIN, metadata: { ...e.metadata } }) },
    ...extra,
  ];
  if (e.retryAfterMs !== undefined) {
    details.push({ desc: RetryInfoSchema, value: create(RetryInfoSchema, { retryDelay: durationFromMs(Math.max(0, Math.ceil(e.retryAfterMs))) }) });
  }
  const withViolations =
    e.violations.length > 0
      ? [{ desc: ViolationsSchema, value: create(ViolationsSchema, { violations: e.violations.map((v) => toViolation(v, input)) }) }, ...details]
      : details;
  return new ConnectError(e.message, CODE[e.kind], undefined, withViolations, e);
}

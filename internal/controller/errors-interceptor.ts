import { create, type DescMessage } from "@bufbuild/protobuf";
import { FieldPathSchema, ViolationSchema, ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { Logger } from "../app/ports.js";
import { ErrorInfoSchema, RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { DomainError, type ErrorKind, type FieldViolation } from "../domain/errors.js";

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
type OutgoingDetail = NonNullable<ConstructorParameters<typeof ConnectError>[3]>[number];

/** The `domain` of every google.rpc.ErrorInfo we send. */
const ERROR_DOMAIN = "spacet.v1";

/**
 * The one place errors become RPC statuses. A DomainError keeps its message and gets an
 * ErrorInfo (its stable reason) and, for field problems, the same buf.validate.Violations
 * detail protovalidate sends, so clients read one shape. Anything else is logged with its
 * stack and answered as INTERNAL "internal error": no internals reach clients.
 */
export function createErrorsInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      if (e instanceof DomainError) throw toConnectError(e, req.method.input);
      if (e instanceof ConnectError) throw e;
      log.error({ err: e, rpc: `${req.service.typeName}/${req.method.name}` }, "unhandled rpc error");
      throw new ConnectError("internal error", Code.Internal, undefined, undefined, e);
    }
  };
}

function toConnectError(e: DomainError, input: DescMessage): ConnectError {
  const details: OutgoingDetail[] = [
    { desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason: e.reason, domain: ERROR_DOMAIN, metadata: { ...e.metadata } }) },
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

function toViolation(v: FieldViolation, input: DescMessage) {
  const field = input.fields.find((f) => f.name === v.field);
  return create(ViolationSchema, {
    field: create(FieldPathSchema, {
      elements: [{ fieldName: v.field, fieldNumber: field?.number ?? 0, fieldType: field?.proto.type }],
    }),
    ruleId: v.rule,
    message: v.message,
  });
}

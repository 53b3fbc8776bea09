/**
 * What went wrong, in the domain's words. The controller maps each kind to one gRPC code
 * (and so one HTTP status) in a single place.
 */
export type ErrorKind =
  | "invalid" // the request itself is wrong: INVALID_ARGUMENT
  | "not_found" // NOT_FOUND
  | "already_exists" // collides with something that exists: ALREADY_EXISTS
  | "precondition" // the world is not in a state that allows it: FAILED_PRECONDITION
  | "exhausted" // a limit of the service was hit (not seats: a full launch is a precondition): RESOURCE_EXHAUSTED
  | "conflict" // lost a race that retrying may win: ABORTED
  | "unavailable" // a dependency is down: UNAVAILABLE
  | "unauthenticated" // no valid credentials: UNAUTHENTICATED
  | "permission_denied"; // valid credentials that do not allow it: PERMISSION_DENIED

/** One problem with one request field (field paths use proto names, e.g. "launch_date"). */
export interface FieldViolation {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/**
 * A rule said no. `reason` is a stable UPPER_SNAKE identifier clients can switch on (sent as
 * google.rpc.ErrorInfo); `violations` name the offending fields for "invalid" errors.
 */
export class DomainError extends Error {
  override name = "DomainError";
  readonly violations: readonly FieldViolation[];
  readonly metadata: Readonly<Record<string, string>>;
  /** When retrying makes sense, how long to wait first (sent as google.rpc.RetryInfo). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
    opts: { violations?: readonly FieldViolation[]; metadata?: Record<string, string>; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.violations = opts.violations ?? [];
    this.metadata = opts.metadata ?? {};
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** An "invalid" error made of field violations; the message summarises them. */
export function invalidFields(violations: readonly FieldViolation[]): DomainError {
  const [first, ...rest] = violations;
  const more = rest.length > 0 ? `, and ${rest.length} more violation${rest.length > 1 ? "s" : ""}` : "";
  return new DomainError("invalid", "INVALID_FIELDS", `${first.field}: ${first.message}${more}`, { violations });
}

/** SQLSTATE codes we act on (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const PG = {
  uniqueViolation: "23505",
  checkViolation: "23514",
  foreignKeyViolation: "23503",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
} as const;

export interface PgError {
  readonly code: string;
  readonly constraint?: string;
}

/** Narrows an unknown error to a driver error with a SQLSTATE. */
export function isPgError(e: unknown, code?: string): e is PgError {
  if (typeof e !== "object" || e === null || typeof (e as { code?: unknown }).code !== "string") return false;
  return code === undefined || (e as PgError).code === code;
}

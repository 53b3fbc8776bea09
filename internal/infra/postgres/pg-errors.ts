import { DomainError } from "../../domain/errors.js";

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

/** Node socket errors that mean the database cannot be reached at all. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);

/**
 * Whether `e` says the database is unreachable or going away rather than that the statement
 * was wrong: SQLSTATE class 08 (connection exception), 57P01-57P03 (admin or crash shutdown,
 * cannot connect now), a socket error, or pg's "Connection terminated" (no code at all). Such
 * a request may succeed when retried, so it is UNAVAILABLE to clients, not INTERNAL.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || UNREACHABLE.has(code))) return true;
  const message = (e as { message?: unknown }).message;
  return typeof message === "string" && /^Connection terminated|timeout exceeded when trying to connect/.test(message);
}

/** What a lost database is to callers: UNAVAILABLE, worth a retry, never INTERNAL. */
export function databaseUnavailable(cause: unknown): DomainError {
  return new DomainError("unavailable", "DATABASE_UNAVAILABLE", "the database is unavailable; retry the request", { cause });
}

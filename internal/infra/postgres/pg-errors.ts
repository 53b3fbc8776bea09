import { DomainError } from "../../domain/errors.js";

/** SQLSTATE codes we act on (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const PG = {
  uniqueViolation: "23505",
  checkViolation: "23514",
  foreignKeyViolation: "23503",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
  readOnlyTransaction: "25006",
  queryCanceled: "57014",
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

/** How long a client should wait before retrying a request that met a database fault. */
export const DATABASE_RETRY_AFTER_MS = 1_000;

/**
 * Whether `e` says the database is unreachable or going away rather than that the statement
 * was wrong: SQLSTATE class 08 (connection exception), 57P01-57P05 (shutdown, cannot connect
 * now, database dropped, idle timeout), a socket error, or pg's own words for a connection it
 * lost ("Connection terminated", "Client has encountered a connection error and is not
 * queryable"; no code).
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("08") || code.startsWith("57P") || UNREACHABLE.has(code))) return true;
  const message = (e as { message?: unknown }).message;
  return typeof message === "string" && /^Connection terminated|timeout exceeded when trying to connect|is not queryable$/.test(message);
}

/** What a lost database is to callers: UNAVAILABLE, worth a retry, never INTERNAL. */
function databaseUnavailable(cause: unknown): DomainError {
  return new DomainError("unavailable", "DATABASE_UNAVAILABLE", "the database is unavailable; retry the request", {
    cause,
    retryAfterMs: DATABASE_RETRY_AFTER_MS,
  });
}

/**
 * The domain's "unavailable" for a database fault, or undefined for an error the statement
 * itself caused (a constraint, a lock wait, a serialization failure: the caller decides).
 * Such a fault is the database's state, not the request's, and may pass: clients get
 * UNAVAILABLE with a retry hint, never INTERNAL.
 *
 * - `connecting`: no connection could be had at all. Whatever the reason (refused, too many
 *   connections 53300, a database not accepting connections 55000, starting up 57P03, a timeout
 *   waiting for the pool), the request never ran.
 * - a lost connection (see isDatabaseUnavailable); insufficient resources (class 53: too many
 *   connections, out of memory, disk full);
 * - a read-only database (25006): a primary that became a standby after a failover;
 * - a statement timeout (57014): the server gave up on the statement (a request's own deadline or
 *   disconnect is handled before this is asked, since it also ends in 57014).
 */
export function databaseFault(e: unknown, phase: "connecting" | "querying"): DomainError | undefined {
  const code = isPgError(e) ? e.code : undefined;
  const fault = (reason: string, message: string) =>
    new DomainError("unavailable", reason, `${message}; retry the request`, { cause: e, retryAfterMs: DATABASE_RETRY_AFTER_MS });
  if (phase === "connecting" || isDatabaseUnavailable(e)) return databaseUnavailable(e);
  if (code?.startsWith("53")) return fault("DATABASE_BUSY", "the database is out of connections or resources");
  if (code === PG.readOnlyTransaction) return fault("DATABASE_READ_ONLY", "the database accepts no writes right now");
  if (code === PG.queryCanceled) return fault("DATABASE_TIMEOUT", "the database did not answer in time");
  return undefined;
}

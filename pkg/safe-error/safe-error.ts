import { stdSerializers } from "pino";

/**
 * What a logged node-postgres error (DatabaseError) keeps: what went wrong and where in the
 * schema, never the values. PostgreSQL puts row data in `detail` ("Failing row contains (…)",
 * "Key (email)=(…) already exists"), in `where` and `internalQuery` (the statement, with literals),
 * and `hint`/`position` point into the statement; logs must not carry names or birthdays.
 */
const PG_KEPT = new Set(["type", "message", "stack", "code", "severity", "constraint", "table", "schema", "column", "cause", "aggregateErrors"]);

/** Fields any other error may carry that hold a statement's data (query parameters, drivers' details). */
const DATA_FIELDS = new Set(["detail", "where", "internalQuery", "internalPosition", "position", "hint", "parameters", "params"]);

type Serialized = Record<string, unknown>;

/**
 * A pino `err` serializer (`pino({ serializers: { err: serializeErrorSafely } })`): pino's own,
 * with the cause chain kept as objects, minus every field that can hold a row's values. A
 * PostgreSQL error is reduced to its code, constraint, table, message and stack, at any depth of
 * `cause` or `AggregateError.errors`.
 */
export function serializeErrorSafely(err: unknown): unknown {
  if (!(err instanceof Error) && (typeof err !== "object" || err === null)) return err;
  return scrub(stdSerializers.errWithCause(err as Error) as unknown as Serialized);
}

function scrub(o: Serialized): Serialized {
  const isPgError = typeof o.severity === "string" && typeof o.code === "string";
  const out: Serialized = {};
  for (const [key, value] of Object.entries(o)) {
    if (isPgError ? !PG_KEPT.has(key) : DATA_FIELDS.has(key)) continue;
    if (key === "cause" && isObject(value)) out[key] = scrub(value);
    else if (key === "aggregateErrors" && Array.isArray(value)) out[key] = value.map((e) => (isObject(e) ? scrub(e) : e));
    else out[key] = value;
  }
  return out;
}

const isObject = (v: unknown): v is Serialized => typeof v === "object" && v !== null;

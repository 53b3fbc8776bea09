import type { Doc } from "./fixtures.js";
import { QueryError } from "./query-error.js";

type Predicate = (doc: Doc) => boolean;

const COMPARE: Record<string, (order: number) => boolean> = {
  $gt: (order) => order > 0,
  $gte: (order) => order >= 0,
  $lt: (order) => order < 0,
  $lte: (order) => order <= 0,
};

/**
 * Compiles the subset of a MongoDB filter that callers of `/query` use: field equality
 * (dotted paths allowed), `$eq`, `$ne`, `$in`, `$nin` and the ranges `$gt/$gte/$lt/$lte`.
 * Fields ending in `_utc` are dates, so, as Mongoose casts them, their query values are
 * compared as instants ("2022-10-01" matches from midnight UTC), not as text.
 */
export function compileQuery(query: unknown): Predicate {
  if (query === undefined || query === null) return () => true;
  if (!isPlainObject(query)) throw new QueryError("query must be an object");
  const predicates = Object.entries(query).map(([field, condition]) => compileField(field, condition));
  return (doc) => predicates.every((matches) => matches(doc));
}

function compileField(field: string, condition: unknown): Predicate {
  if (field.startsWith("$")) throw new QueryError(`unsupported top-level operator ${field}`);
  const isDate = field.endsWith("_utc");
  const operators = isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith("$"));
  const checks = operators
    ? Object.entries(condition).map(([operator, operand]) => compileOperator(field, isDate, operator, operand))
    : [compileOperator(field, isDate, "$eq", condition)];
  return (doc) => {
    const value = valueAt(doc, field);
    return checks.every((check) => check(value));
  };
}

function compileOperator(field: string, isDate: boolean, operator: string, operand: unknown): (value: unknown) => boolean {
  const cast = (raw: unknown) => castOperand(field, isDate, raw);
  switch (operator) {
    case "$eq":
      return equalTo(cast(operand));
    case "$ne": {
      const equal = equalTo(cast(operand));
      return (value) => !equal(value);
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand)) throw new QueryError(`${field}.${operator} needs an array`);
      const tests = operand.map((item) => equalTo(cast(item)));
      const inside = (value: unknown) => tests.some((test) => test(value));
      return operator === "$in" ? inside : (value) => !inside(value);
    }
    default: {
      const accept = COMPARE[operator];
      if (accept === undefined) throw new QueryError(`unsupported operator ${field}.${operator}`);
      const bound = cast(operand);
      return (value) => {
        const order = compareSameType(value, bound);
        return order !== undefined && accept(order);
      };
    }
  }
}

/** Date fields hold ISO strings in the fixtures; comparing epoch milliseconds makes formats irrelevant. */
function castOperand(field: string, isDate: boolean, operand: unknown): unknown {
  if (!isDate || operand === null) return operand;
  const time = typeof operand === "string" || typeof operand === "number" ? new Date(operand).getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new QueryError(`Cast to date failed for value ${JSON.stringify(operand)} at path "${field}"`);
  return new Date(time);
}

function equalTo(expected: unknown): (value: unknown) => boolean {
  if (expected === null) return (value) => value === null || value === undefined;
  if (typeof expected === "object" && !(expected instanceof Date)) {
    throw new QueryError(`equality on objects or arrays is not supported: ${JSON.stringify(expected)}`);
  }
  return (value) => compareSameType(value, expected) === 0;
}

/** Order of two values of one kind; `undefined` when Mongo's type bracketing would not match them. */
function compareSameType(value: unknown, bound: unknown): number | undefined {
  if (bound instanceof Date) {
    const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
    return Number.isNaN(time) ? undefined : Math.sign(time - bound.getTime());
  }
  if (typeof value !== typeof bound || value === null || typeof value === "object") return undefined;
  if (typeof value === "boolean") return Number(value) - Number(bound);
  return (value as string | number) < (bound as string | number) ? -1 : value === bound ? 0 : 1;
}

/** Reads `a.b.c` from a document; missing steps read as `undefined`. */
export function valueAt(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const key of path.split(".")) {
    current = isPlainObject(current) ? current[key] : undefined;
  }
  return current;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

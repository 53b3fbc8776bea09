/**
 * A query or option the fixture server does not understand. The real API answers a bad
 * query with 400 and Mongoose's message; refusing unsupported features the same way keeps
 * a test from passing on results the real API would never return.
 */
export class QueryError extends Error {
  override name = "QueryError";
}

import type pg from "pg";

/** SQL text → name, for the statements sent as named prepared statements. */
const names = new Map<string, string>();

/**
 * Marks a fixed SQL text as a named prepared statement: each connection parses and plans it
 * the first time and afterwards only binds and executes it, which saves the server that work on
 * every call of a hot statement (a booking is one call of create_booking). Returns the text,
 * for `CompiledQuery.raw`. Only for statements whose result columns stay fixed: a connection
 * keeps its prepared statement until it closes.
 */
export function preparedStatement(name: string, text: string): string {
  names.set(text, name);
  return text;
}

/**
 * What the service's driver asks pg to run for `text`: a registered text goes by its name (pg
 * prepares a name once per connection), everything else as an unnamed statement.
 */
export function toPgQuery(text: string, values: readonly unknown[]): pg.QueryConfig {
  return { name: names.get(text), text, values: values as unknown[] };
}

import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The abort signal of the request a piece of database work serves. Kysely asks its driver for
 * a connection with no arguments, so the unit of work puts the request's signal here and the
 * driver (service-dialect.ts) reads it: waiting for a pool connection, a statement in flight
 * and the COMMIT all obey it, without every repository method taking a signal.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with `signal` as the abort signal of the database work it starts. */
export function withAbortSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return signal ? scope.run(signal, fn) : fn();
}

/** The signal of the current request's database work, if it has one. */
export function currentAbortSignal(): AbortSignal | undefined {
  return scope.getStore();
}

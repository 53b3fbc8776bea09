import type { DomainEvent } from "../domain/domain-event.js";

/** The current instant; injected so tests can pin "today". */
export type Clock = () => Date;
/** Fresh unique ids (UUIDs). */
export type IdGenerator = () => string;

/** One page of a keyset-paginated list; `nextCursor` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | undefined;
}
/** Where a page starts: `after` is an opaque cursor from a previous page. */
export interface PageRequest {
  readonly size: number;
  readonly after: string | undefined;
}

/** Events of any context, written in the transaction of the state change they describe. */
export interface Outbox {
  /**
   * Records events in the current transaction, in the given order; a relay publishes them after
   * commit. Takes any number of events in one statement.
   */
  add(events: readonly DomainEvent[]): Promise<void>;
}

/**
 * What a use case knows of the call it serves. `signal` fires when the caller's deadline passes
 * or the caller goes away: database work then stops waiting and nothing more commits.
 */
export interface Call {
  readonly signal?: AbortSignal;
}

/**
 * Transactions over one context's repositories. `Tx` is what the context may touch inside a
 * transaction (its repositories and transaction-only operations such as locks); every
 * transaction also gets the outbox, so a state change and its events commit together.
 */
export interface UnitOfWork<Tx, Reads = Tx> {
  /**
   * Runs fn in one transaction: it commits when fn resolves and rolls back when it throws.
   * A serialization failure or deadlock retries fn a few times, then surfaces as "conflict";
   * a database fault (lost, read-only, out of connections) surfaces as "unavailable". Once
   * `call.signal` fires, waits for a connection or a lock end and the transaction rolls back:
   * fn's promise rejects with the signal's reason.
   */
  run<T>(fn: (tx: Tx & { readonly outbox: Outbox }) => Promise<T>, call?: Call): Promise<T>;
  /** The repositories outside any transaction, for reads; `call.signal` ends their waits too. */
  read(call?: Call): Reads;
}

/**
 * The one logging interface below cmd/ (pino's `Logger` satisfies it): the message is a
 * constant phrase and the variables go in the object.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * A count of things that happened, by label values from a closed set (a result, a reason, a
 * job): never ids, names or URLs, each of which would make a time series per request.
 * prom-client's Counter satisfies it; cmd/ wires those (internal/infra/metrics).
 */
export interface CounterMetric<L extends string> {
  inc(labels: Readonly<Record<L, string>>, value?: number): void;
}

/** Observations of a value, usually a duration in seconds, labelled as a {@link CounterMetric} is. */
export interface HistogramMetric<L extends string> {
  observe(labels: Readonly<Record<L, string>>, value: number): void;
}

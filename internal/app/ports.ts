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
 * Transactions over one context's repositories. `Tx` is what the context may touch inside a
 * transaction (its repositories and transaction-only operations such as locks); every
 * transaction also gets the outbox, so a state change and its events commit together.
 */
export interface UnitOfWork<Tx, Reads = Tx> {
  /**
   * Runs fn in one transaction: it commits when fn resolves and rolls back when it throws.
   * A serialization failure or deadlock retries fn a few times, then surfaces as "conflict";
   * a lost database surfaces as "unavailable".
   */
  run<T>(fn: (tx: Tx & { readonly outbox: Outbox }) => Promise<T>): Promise<T>;
  /** The repositories outside any transaction, for reads. */
  readonly read: Reads;
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

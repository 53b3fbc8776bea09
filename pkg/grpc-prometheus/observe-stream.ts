import { Code, ConnectError } from "@connectrpc/connect";

/** The status an RPC ends with when the handler throws `e`: what connect-es sends (non-ConnectErrors become INTERNAL). */
export function statusOf(e: unknown): Code {
  return e instanceof ConnectError ? e.code : Code.Internal;
}

/**
 * The status of an RPC whose handler finished without an error: OK, unless its signal fired
 * first. A stream handler usually ends by returning once the client cancelled or the deadline
 * passed; the client never reads that "OK", so it counts as the abort's code (CANCELED,
 * DEADLINE_EXCEEDED), as a Go handler returning `ctx.Err()` would.
 */
export function statusAfter(signal: AbortSignal): Code | undefined {
  if (!signal.aborted) return undefined;
  return ConnectError.from(signal.reason, Code.Canceled).code;
}

/** Calls `onMessage` for every message read from `messages`, passing them through unchanged. */
export function countMessages<T>(messages: AsyncIterable<T>, onMessage: () => void): AsyncIterable<T> {
  return observeStream(messages, onMessage, () => undefined);
}

/**
 * Passes a response stream through, calling `onMessage` per message and `onEnd` exactly once with
 * how the stream ended: `ranOut()` when it ran out, the thrown error's code when the handler
 * failed, CANCELED when the reader stopped early (the client went away). A hand-written iterator
 * rather than an async generator, so that an early `return()` reports too.
 */
export function observeStream<T>(
  messages: AsyncIterable<T>,
  onMessage: () => void,
  onEnd: (code: Code | undefined) => void,
  ranOut: () => Code | undefined = () => undefined,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const inner = messages[Symbol.asyncIterator]();
      let ended = false;
      const end = (code: Code | undefined) => {
        if (ended) return;
        ended = true;
        onEnd(code);
      };
      return {
        async next() {
          try {
            const r = await inner.next();
            if (r.done) end(ranOut());
            else onMessage();
            return r;
          } catch (e) {
            end(statusOf(e));
            throw e;
          }
        },
        async return(value?: unknown) {
          end(Code.Canceled);
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
        async throw(e?: unknown) {
          end(statusOf(e));
          if (inner.throw) return inner.throw(e);
          throw e;
        },
      };
    },
  };
}

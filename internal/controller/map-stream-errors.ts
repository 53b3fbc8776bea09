/**
 * The same messages, with any error thrown while iterating them passed through `map` first.
 * Interceptors see a streaming RPC's failures only this way: reading a request stream (where
 * decoding happens) and producing a response stream run after `next()` has returned.
 */
export function mapStreamErrors<T>(messages: AsyncIterable<T>, map: (e: unknown) => unknown): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = messages[Symbol.asyncIterator]();
      const guard = async <R>(step: Promise<R>): Promise<R> => {
        try {
          return await step;
        } catch (e) {
          throw map(e);
        }
      };
      return {
        next: (...args: [] | [unknown]) => guard(it.next(...args)),
        return: (value?: unknown) => guard(it.return ? it.return(value) : Promise.resolve({ done: true as const, value: value as T })),
        throw: (e?: unknown) => guard(it.throw ? it.throw(e) : Promise.reject(e)),
      };
    },
  };
}

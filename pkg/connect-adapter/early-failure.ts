import { Code, ConnectError, type Interceptor, type UnaryRequest } from "@connectrpc/connect";

/**
 * The error a client gets for a request that failed before the interceptors ran. Nothing but
 * decoding ran: an INTERNAL there is always the client's bytes, never our fault.
 */
export function earlyFailureError(error: ConnectError): ConnectError {
  return new ConnectError(error.rawMessage, error.code === Code.Internal ? Code.InvalidArgument : error.code);
}

/** Lets the failure interceptors observe an RPC that failed before the interceptors ran (`request` carries an empty message). */
export async function observeEarlyFailure(failureInterceptors: readonly Interceptor[], request: UnaryRequest, error: ConnectError): Promise<void> {
  const fail = failureInterceptors.reduceRight((next, interceptor) => interceptor(next), (() => Promise.reject(error)) as Parameters<Interceptor>[0]);
  await fail(request).catch(() => undefined);
}

import type { Code } from "@connectrpc/connect";

/**
 * An error answered with a fixed HTTP status and headers, for the few cases where HTTP has a more
 * precise answer than the gRPC code mapping (405 with Allow, 415) or where the connection must be
 * closed (an oversized body that was not read to its end).
 *
 * Deliberately not a ConnectError subclass: ConnectError's `instanceof` matches every
 * ConnectError, so a subclass could not be told apart.
 */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

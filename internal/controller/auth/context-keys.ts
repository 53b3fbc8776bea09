import { type ContextValues, createContextKey, createContextValues, type HandlerContext } from "@connectrpc/connect";
import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";

/** The caller proven by a bearer token; set by the auth interceptor, read by handlers from `ctx.values`. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: "spacet principal" });

/**
 * The network address of the caller (the TCP peer: a proxy's address when one is in front).
 * Set per request by the server adapter and the REST gateway; used for per-address limits.
 */
export const clientAddressKey = createContextKey<string | undefined>(undefined, { description: "spacet client address" });

/** Fresh context values for a request arriving from `remoteAddress`. */
export function requestContextValues(remoteAddress: string | undefined): ContextValues {
  const values = createContextValues();
  if (remoteAddress) values.set(clientAddressKey, remoteAddress);
  return values;
}

/**
 * The caller of a method that needs a role. The interceptor already refused anonymous calls to
 * such methods, so a missing principal means a handler of a public method asked for one.
 */
export function requirePrincipal(ctx: HandlerContext): Principal {
  const principal = ctx.values.get(principalKey);
  if (!principal) throw new DomainError("unauthenticated", "TOKEN_MISSING", "this method needs a bearer token");
  return principal;
}

import type { Principal } from "../identity/principal.js";

/**
 * Users reach their own alerts and subscriptions, operators everyone's. Anything else is
 * answered as if it did not exist (NOT_FOUND): its existence is not revealed.
 */
export function mayAccess(principal: Principal, owned: { readonly userId: string }): boolean {
  return principal.role === "operator" || owned.userId === principal.userId;
}

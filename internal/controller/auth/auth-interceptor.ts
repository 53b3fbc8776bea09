import type { Interceptor } from "@connectrpc/connect";
import type { TokenVerifier } from "../../app/identity/ports.js";
import { DomainError } from "../../domain/errors.js";
import { satisfiesRole } from "../../domain/identity/role.js";
import type { AccessRules } from "./access-rules.js";
import { principalKey } from "./context-keys.js";

/** `Bearer <token>`, scheme case-insensitive (RFC 6750 §2.1); anything else is no token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function bearerToken(header: string | null): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/**
 * Authentication and authorization for every face at once: gRPC, gRPC-Web, Connect and the REST
 * gateway all run the router's interceptors. Reads `authorization: Bearer …`, verifies it, and
 * puts the principal into the handler context (`ctx.values.get(principalKey)`).
 *
 * - A method the access table does not know is PERMISSION_DENIED (deny by default).
 * - Public methods never fail on credentials: a valid token still sets the principal, an
 *   invalid or expired one is ignored and the call is anonymous (a stale token kept by a client
 *   must not lock it out of Login).
 * - Other methods: no token, or one that does not verify, is UNAUTHENTICATED; a valid token
 *   with too small a role is PERMISSION_DENIED.
 *
 * Place it after the errors interceptor (which turns its DomainErrors into statuses) and before
 * validation, so an anonymous caller learns nothing about a protected method's input rules.
 */
export function createAuthInterceptor(deps: { rules: AccessRules; tokens: TokenVerifier }): Interceptor {
  return (next) => async (req) => {
    const rule = deps.rules.rule(req.method);
    if (!rule) {
      throw new DomainError("permission_denied", "NO_ACCESS_RULE", `${req.service.typeName}/${req.method.name} declares no access rule`);
    }
    const token = bearerToken(req.header.get("authorization"));
    if (rule.kind === "public") {
      const principal = token === undefined ? undefined : await deps.tokens.verify(token).catch(() => undefined);
      if (principal) req.contextValues.set(principalKey, principal);
      return next(req);
    }
    if (token === undefined) {
      throw new DomainError("unauthenticated", "TOKEN_MISSING", "this method needs a bearer token: authorization: Bearer <token>");
    }
    const principal = await deps.tokens.verify(token);
    if (!satisfiesRole(principal.role, rule.role)) {
      throw new DomainError("permission_denied", "ROLE_REQUIRED", `this method needs the ${rule.role} role`);
    }
    req.contextValues.set(principalKey, principal);
    return next(req);
  };
}

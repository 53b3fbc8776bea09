import type { DescMethod } from "@bufbuild/protobuf";

/**
 * Who may call a method: anyone, or a caller with a bearer token that satisfies `requirement`
 * (in words, e.g. "role ROLE_OPERATOR"). The generator's caller reads it from its own access
 * rules (an option on each method), which OpenAPI cannot know.
 */
export type Access = { readonly public: true } | { readonly bearer: string };

/** Returns a method's access rule, or undefined when the API states none. */
export type AccessOf = (method: DescMethod) => Access | undefined;

const SCHEME = "bearerAuth";

/** `components.securitySchemes` when some operation needs a token. */
export const BEARER_SCHEMES = {
  [SCHEME]: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "`authorization: Bearer <accessToken>` (log in for one)." },
};

/** `components.responses` the protected operations refer to. */
export function authResponses(errorSchema: Record<string, unknown>) {
  const content = { "application/json": { schema: errorSchema } };
  return {
    Unauthenticated: {
      description: "No token, or an invalid or expired one (UNAUTHENTICATED); the answer names the Bearer scheme in WWW-Authenticate.",
      content,
    },
    PermissionDenied: { description: "The token's role is not enough for this call (PERMISSION_DENIED).", content },
  };
}

/** What a protected operation adds: its requirement, the 401/403 answers and a sentence for its description. */
export function protectedOperation(access: Access | undefined): { security: unknown[]; responses: Record<string, unknown>; note: string } | undefined {
  if (!access || "public" in access) return undefined;
  return {
    security: [{ [SCHEME]: [] }],
    responses: { "401": { $ref: "#/components/responses/Unauthenticated" }, "403": { $ref: "#/components/responses/PermissionDenied" } },
    note: `Requires a bearer token with ${access.bearer}.`,
  };
}

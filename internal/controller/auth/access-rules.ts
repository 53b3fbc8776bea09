import { type DescMethod, type DescService, getOption, hasOption } from "@bufbuild/protobuf";
import { access, Role as ProtoRole } from "../../../gen/spacet/v1/access_pb.js";
import type { Role } from "../../domain/identity/role.js";

/** Who may call one method: anyone, or callers whose token carries at least `role`. */
export type AccessRule = { readonly kind: "public" } | { readonly kind: "role"; readonly role: Role };

/** The access table, computed once at start from the descriptors. */
export interface AccessRules {
  /** The rule of a method; undefined for a method the table does not know (refused). */
  rule(method: DescMethod): AccessRule | undefined;
  /** One line per served method without a usable declaration; empty when all is well. */
  readonly problems: readonly string[];
}

const ROLES: Partial<Record<ProtoRole, Role>> = { [ProtoRole.USER]: "user", [ProtoRole.OPERATOR]: "operator" };

const methodKey = (m: DescMethod) => `${m.parent.typeName}/${m.name}`;

/** The rule a method declares with `option (spacet.v1.access)`, or why it has none. */
export function declaredRule(method: DescMethod): AccessRule | string {
  if (!hasOption(method, access)) return `${methodKey(method)} declares no (spacet.v1.access) option`;
  const declared = getOption(method, access);
  const role = ROLES[declared.role];
  if (declared.public && declared.role === ProtoRole.UNSPECIFIED) return { kind: "public" };
  if (!declared.public && role) return { kind: "role", role };
  return `${methodKey(method)} must declare either public: true or a role, not ${declared.public ? "both" : "neither"}`;
}

/**
 * Builds the access table for the services a server registers. `services` must declare a rule
 * on every method (deny by default: a method without one is refused and listed in `problems`).
 * `publicServices` are open by an explicit allowlist: protocol services whose protos are not
 * ours, such as grpc.health.v1.Health and server reflection.
 */
export function createAccessRules(opts: { services: readonly DescService[]; publicServices?: readonly DescService[] }): AccessRules {
  const table = new Map<string, AccessRule>();
  const problems: string[] = [];
  for (const service of opts.publicServices ?? []) {
    for (const method of service.methods) table.set(methodKey(method), { kind: "public" });
  }
  for (const service of opts.services) {
    for (const method of service.methods) {
      const rule = declaredRule(method);
      if (typeof rule === "string") problems.push(rule);
      else table.set(methodKey(method), rule);
    }
  }
  // Asked on every call: remember each descriptor's rule instead of building its key again.
  const byMethod = new WeakMap<DescMethod, AccessRule | undefined>();
  const rule = (method: DescMethod) => {
    if (!byMethod.has(method)) byMethod.set(method, table.get(methodKey(method)));
    return byMethod.get(method);
  };
  return { rule, problems };
}

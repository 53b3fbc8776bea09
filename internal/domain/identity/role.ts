/** What a user may do. An operator may also do everything a user may. */
export type Role = "user" | "operator";

const RANK: Readonly<Record<Role, number>> = { user: 1, operator: 2 };

/** Whether `value` names a role (for claims and rows read from outside). */
export function isRole(value: unknown): value is Role {
  return value === "user" || value === "operator";
}

/** Whether a caller with `actual` may call what needs `required`. */
export function satisfiesRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

import type { Role } from "./role.js";

/** A registered account. `passwordHash` is an Argon2id PHC string and never leaves the service. */
export interface User {
  readonly id: string;
  /** Lower case; unique case-insensitively. */
  readonly username: string;
  readonly email: string;
  readonly passwordHash: string;
  /** The role stored for the user; see {@link effectiveRole} for the one a login grants. */
  readonly role: Role;
  readonly createdAt: Date;
}

/** A user as callers may see it: everything but the password hash. */
export type UserProfile = Omit<User, "passwordHash">;

/** The user without the hash, showing `role` (the effective one, when given). */
export function profileOf(user: User, role: Role = user.role): UserProfile {
  const { passwordHash: _hash, ...profile } = user;
  return { ...profile, role };
}

/**
 * The role a login grants: the stored role, raised to operator for the usernames that the
 * configuration names. Decided at each login, so it also holds for users who register after
 * the configuration was written, and a name taken off the list loses the role at its next login.
 */
export function effectiveRole(user: Pick<User, "username" | "role">, operatorUsernames: ReadonlySet<string>): Role {
  return operatorUsernames.has(user.username) ? "operator" : user.role;
}

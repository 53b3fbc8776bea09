import { DomainError } from "../../domain/errors.js";
import { normalizeUsername } from "../../domain/identity/credentials.js";
import { profileOf, type UserProfile } from "../../domain/identity/user.js";
import type { UserRepository } from "./ports.js";

/**
 * Stores the operator role for an existing user (`npm run user:operator -- <username>`). Tokens
 * issued before keep their role until they expire; the next login carries the new one.
 */
export function createGrantOperator(deps: { users: UserRepository }) {
  return async (username: string): Promise<UserProfile> => {
    const user = await deps.users.setRole(normalizeUsername(username), "operator");
    if (!user) throw new DomainError("not_found", "USER_NOT_FOUND", `no user named "${normalizeUsername(username)}"`);
    return profileOf(user);
  };
}
export type GrantOperator = ReturnType<typeof createGrantOperator>;

import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/identity/principal.js";
import { effectiveRole, profileOf, type UserProfile } from "../../domain/identity/user.js";
import type { UserRepository } from "./ports.js";

/** GetMe: the caller's own profile, with the role a login would grant now. */
export function createGetMe(deps: { users: UserRepository; operatorUsernames: ReadonlySet<string> }) {
  return async (principal: Principal): Promise<UserProfile> => {
    const user = await deps.users.get(principal.userId);
    // A valid token for a user that is gone (deleted by hand) proves nothing any more.
    if (!user) throw new DomainError("unauthenticated", "USER_NOT_FOUND", "the token's user no longer exists; log in again");
    return profileOf(user, effectiveRole(user, deps.operatorUsernames));
  };
}
export type GetMe = ReturnType<typeof createGetMe>;

import { checkRegistration, type Registration } from "../../domain/identity/credentials.js";
import { profileOf, type User, type UserProfile } from "../../domain/identity/user.js";
import type { Clock, IdGenerator } from "../ports.js";
import type { PasswordHasher, UserRepository } from "./ports.js";

/**
 * Register: creates a user with the "user" role (there is no way to ask for another) and answers
 * the profile, never the hash. A username or email already taken, even by a registration that
 * committed a moment earlier, is ALREADY_EXISTS from the unique indexes.
 */
export function createRegister(deps: { users: UserRepository; hasher: PasswordHasher; clock: Clock; ids: IdGenerator }) {
  return async (input: Registration): Promise<UserProfile> => {
    const checked = checkRegistration(input);
    const user: User = {
      id: deps.ids(),
      username: checked.username,
      email: checked.email,
      passwordHash: await deps.hasher.hash(checked.password),
      role: "user",
      createdAt: deps.clock(),
    };
    await deps.users.insert(user);
    return profileOf(user);
  };
}
export type Register = ReturnType<typeof createRegister>;

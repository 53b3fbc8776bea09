import { type Kysely, type Selectable, sql } from "kysely";
import type { UserRepository } from "../../../app/identity/ports.js";
import { DomainError } from "../../../domain/errors.js";
import { isRole } from "../../../domain/identity/role.js";
import type { User } from "../../../domain/identity/user.js";
import { isPgError, PG } from "../pg-errors.js";
import type { Database, UserTable } from "../schema.js";

function toUser(row: Selectable<UserTable>): User {
  if (!isRole(row.role)) throw new Error(`users.role holds an unknown role for user ${row.id}`);
  return { id: row.id, username: row.username, email: row.email, passwordHash: row.password_hash, role: row.role, createdAt: row.created_at };
}

/** The unique index a lost registration hit, as the answer the caller gets. */
const TAKEN: Record<string, () => DomainError> = {
  users_username_key: () => new DomainError("already_exists", "USERNAME_TAKEN", "this username is taken", { metadata: { field: "username" } }),
  users_email_key: () => new DomainError("already_exists", "EMAIL_TAKEN", "this email is already registered", { metadata: { field: "email" } }),
};

/**
 * Driver errors in the domain's words: taken names (database faults already are: the service's
 * driver classifies them). Any other driver error is rebuilt from its code, constraint and
 * message alone: its `detail` may quote the failing row, password hash included.
 */
function translate(e: unknown): unknown {
  if (isPgError(e, PG.uniqueViolation) && e.constraint && TAKEN[e.constraint]) return TAKEN[e.constraint]();
  if (!isPgError(e)) return e;
  return Object.assign(new Error(`users: ${(e as { message?: string }).message ?? "database error"}`), { code: e.code, constraint: e.constraint });
}

async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw translate(e);
  }
}

/**
 * Users in Postgres. Lookups go through lower(username) so they use the unique index that
 * also decides registration races.
 */
export function createUserRepository(db: Kysely<Database>): UserRepository {
  const byUsername = (username: string) => sql<boolean>`lower(username) = lower(${username})`;
  return {
    async insert(user) {
      await translated(
        db
          .insertInto("users")
          .values({ id: user.id, username: user.username, email: user.email, password_hash: user.passwordHash, role: user.role, created_at: user.createdAt })
          .execute(),
      );
    },
    async findByUsername(username) {
      const row = await translated(db.selectFrom("users").selectAll().where(byUsername(username)).executeTakeFirst());
      return row && toUser(row);
    },
    async get(id) {
      const row = await translated(db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst());
      return row && toUser(row);
    },
    async replacePasswordHash(id, current, next) {
      // Conditional on the old hash: of two logins rehashing at once, the second changes nothing.
      await translated(db.updateTable("users").set({ password_hash: next }).where("id", "=", id).where("password_hash", "=", current).execute());
    },
    async setRole(username, role) {
      const row = await translated(db.updateTable("users").set({ role }).where(byUsername(username)).returningAll().executeTakeFirst());
      return row && toUser(row);
    },
  };
}

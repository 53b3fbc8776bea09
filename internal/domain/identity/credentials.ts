import { type FieldViolation, invalidFields } from "../errors.js";

/** 3-32 characters of a-z, 0-9, "_", "." and "-" once lower-cased. */
const USERNAME = /^[a-z0-9_.-]{3,32}$/;
/** One "@" with something on each side and no white space; protovalidate checks the finer syntax. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const EMAIL_MAX = 254;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Usernames are case-insensitive: "Ada" and "ada" are one user, stored as "ada". */
export function normalizeUsername(raw: string): string {
  return raw.toLowerCase();
}

/** What Register accepts once the rules passed: the username lower-cased, the email trimmed. */
export interface Registration {
  readonly username: string;
  readonly email: string;
  readonly password: string;
}

/**
 * Checks a registration against every rule at once and throws one "invalid" DomainError naming
 * each failing field. Passwords are counted in characters (code points) and have no composition
 * rules (NIST SP 800-63B): length is what makes them strong.
 */
export function checkRegistration(input: Registration): Registration {
  const username = normalizeUsername(input.username);
  const email = input.email.trim();
  const violations: FieldViolation[] = [];
  if (!USERNAME.test(username)) {
    violations.push({ field: "username", rule: "username.format", message: "must be 3-32 characters of a-z, 0-9, '_', '.' and '-'" });
  }
  if (email.length > EMAIL_MAX || !EMAIL.test(email)) {
    violations.push({ field: "email", rule: "email.format", message: `must be an email address of at most ${EMAIL_MAX} characters` });
  }
  const length = [...input.password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    violations.push({ field: "password", rule: "password.length", message: `must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters` });
  }
  if (violations.length > 0) throw invalidFields(violations);
  return { username, email, password: input.password };
}

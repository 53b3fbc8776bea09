import type { Role } from "./role.js";

/**
 * Who is calling, as a verified bearer token says. `username` is the name at login time (the
 * flight context snapshots it on bookings); `role` is the role the token was issued with.
 */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
}

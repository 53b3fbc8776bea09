import type { Principal } from "../../domain/identity/principal.js";
import { mayAccess } from "../../domain/notification/ownership.js";
import type { Call, Clock } from "../ports.js";
import { alertNotFound } from "./not-found.js";
import type { NotificationUnitOfWork } from "./ports.js";

/** Deletes the caller's alert (an operator: anyone's); another user's is NOT_FOUND. */
export function createDeleteAlert(deps: { uow: NotificationUnitOfWork; clock: Clock }) {
  return (principal: Principal, id: string, call?: Call): Promise<void> =>
    deps.uow.run(async (tx) => {
      const alert = await tx.alerts.get(id);
      if (!alert || !mayAccess(principal, alert)) throw alertNotFound(id);
      await tx.alerts.delete(id, deps.clock());
    }, call);
}
export type DeleteAlert = ReturnType<typeof createDeleteAlert>;

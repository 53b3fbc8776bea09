import { DomainError } from "../../domain/errors.js";
import type { Launchpad, LaunchpadStatus } from "../../domain/launch/launchpad.js";
import type { UnitOfWork } from "../ports.js";

/** Lists launchpads, optionally by status. */
export function createListLaunchpads(deps: { uow: UnitOfWork }) {
  return (filter: { status?: LaunchpadStatus }): Promise<readonly Launchpad[]> => deps.uow.read.launchpads.list(filter);
}
export type ListLaunchpads = ReturnType<typeof createListLaunchpads>;

/** Gets one launchpad by its SpaceX id. */
export function createGetLaunchpad(deps: { uow: UnitOfWork }) {
  return async (id: string): Promise<Launchpad> => {
    const pad = await deps.uow.read.launchpads.get(id);
    if (!pad) throw new DomainError("not_found", "LAUNCHPAD_NOT_FOUND", `launchpad ${id} not found`);
    return pad;
  };
}
export type GetLaunchpad = ReturnType<typeof createGetLaunchpad>;

import { DomainError } from "../../domain/errors.js";
import type { Launchpad } from "../../domain/launch/launchpad.js";
import type { Call } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/** Gets one launchpad by its SpaceX id. */
export function createGetLaunchpad(deps: { uow: LaunchUnitOfWork }) {
  return async (id: string, call?: Call): Promise<Launchpad> => {
    const pad = await deps.uow.read(call).launchpads.get(id);
    if (!pad) throw new DomainError("not_found", "LAUNCHPAD_NOT_FOUND", `launchpad ${id} not found`);
    return pad;
  };
}
export type GetLaunchpad = ReturnType<typeof createGetLaunchpad>;

import type { Launchpad, LaunchpadStatus } from "../../domain/launch/launchpad.js";
import type { Call } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/** Lists launchpads, optionally by status. */
export function createListLaunchpads(deps: { uow: LaunchUnitOfWork }) {
  return (filter: { status?: LaunchpadStatus }, call?: Call): Promise<readonly Launchpad[]> => deps.uow.read(call).launchpads.list(filter);
}
export type ListLaunchpads = ReturnType<typeof createListLaunchpads>;

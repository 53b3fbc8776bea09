import type { Launchpad, LaunchpadStatus } from "../../domain/launch/launchpad.js";
import type { LaunchUnitOfWork } from "./ports.js";

/** Lists launchpads, optionally by status. */
export function createListLaunchpads(deps: { uow: LaunchUnitOfWork }) {
  return (filter: { status?: LaunchpadStatus }): Promise<readonly Launchpad[]> => deps.uow.read.launchpads.list(filter);
}
export type ListLaunchpads = ReturnType<typeof createListLaunchpads>;

import { invalidFields } from "../../domain/errors.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { LaunchFilter, LaunchListItem, LaunchUnitOfWork } from "./ports.js";

/** Lists our launches and SpaceX's side by side, by pad-local date. */
export function createListLaunches(deps: { uow: LaunchUnitOfWork }) {
  return async (filter: LaunchFilter, page: PageRequest, call?: Call): Promise<Page<LaunchListItem>> => {
    if (filter.fromDate && filter.toDate && filter.fromDate > filter.toDate) {
      throw invalidFields([{ field: "to_date", rule: "date.range", message: "must not be before from_date" }]);
    }
    return deps.uow.read(call).launches.list(filter, page);
  };
}
export type ListLaunches = ReturnType<typeof createListLaunches>;

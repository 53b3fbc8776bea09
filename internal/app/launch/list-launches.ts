import { invalidFields } from "../../domain/errors.js";
import type { LaunchFilter, LaunchListItem, Page, PageRequest, UnitOfWork } from "../ports.js";

/** Lists our launches and SpaceX's side by side, by pad-local date. */
export function createListLaunches(deps: { uow: UnitOfWork }) {
  return async (filter: LaunchFilter, page: PageRequest): Promise<Page<LaunchListItem>> => {
    if (filter.fromDate && filter.toDate && filter.fromDate > filter.toDate) {
      throw invalidFields([{ field: "to_date", rule: "date.range", message: "must not be before from_date" }]);
    }
    return deps.uow.read.launches.list(filter, page);
  };
}
export type ListLaunches = ReturnType<typeof createListLaunches>;

import type { Flight } from "../../domain/flight/flight.js";
import type { Call, Page, PageRequest } from "../ports.js";
import type { FlightSearch, FlightUnitOfWork } from "./ports.js";

/** Searches flights by route (and local departure date), sorted by departure then id. */
export function createSearchFlights(deps: { uow: FlightUnitOfWork }) {
  return (filter: FlightSearch, page: PageRequest, call?: Call): Promise<Page<Flight>> => deps.uow.read(call).flights.search(filter, page);
}
export type SearchFlights = ReturnType<typeof createSearchFlights>;

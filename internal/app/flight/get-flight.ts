import type { Flight } from "../../domain/flight/flight.js";
import type { Call } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import type { FlightUnitOfWork } from "./ports.js";

/** Gets a flight by id (anyone). */
export function createGetFlight(deps: { uow: FlightUnitOfWork }) {
  return async (id: string, call?: Call): Promise<Flight> => {
    const flight = await deps.uow.read(call).flights.get(id);
    if (!flight) throw flightNotFound(id);
    return flight;
  };
}
export type GetFlight = ReturnType<typeof createGetFlight>;

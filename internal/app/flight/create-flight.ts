import { flightCreated } from "../../domain/flight/events.js";
import { type Flight, type FlightPlan, scheduleFlight } from "../../domain/flight/flight.js";
import type { Call, Clock, IdGenerator } from "../ports.js";
import type { FlightUnitOfWork } from "./ports.js";

/** Schedules a flight (operators): the flight and its FlightCreated event commit together. */
export function createCreateFlight(deps: { uow: FlightUnitOfWork; clock: Clock; ids: IdGenerator }) {
  return async (plan: FlightPlan, call?: Call): Promise<Flight> => {
    const flight = scheduleFlight(plan, deps.ids(), deps.clock());
    return deps.uow.run(async (tx) => {
      await tx.flights.insert(flight);
      await tx.outbox.add([flightCreated(flight)]);
      return flight;
    }, call);
  };
}
export type CreateFlight = ReturnType<typeof createCreateFlight>;

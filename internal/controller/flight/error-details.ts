import { FlightAvailabilitySchema } from "../../../gen/spacet/v1/flight_pb.js";
import type { DomainError } from "../../domain/errors.js";
import { FlightUnavailableError } from "../../domain/flight/availability.js";
import type { ErrorDetail } from "../errors-interceptor.js";
import { availabilityToProto } from "./to-proto.js";

/** A refused booking's detail: the flight's availability (spacet.v1.FlightAvailability). */
export function flightErrorDetails(e: DomainError): ErrorDetail[] {
  return e instanceof FlightUnavailableError ? [{ desc: FlightAvailabilitySchema, value: availabilityToProto(e.availability) }] : [];
}

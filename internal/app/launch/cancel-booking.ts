import type { Booking } from "../../domain/launch/booking.js";
import { DomainError } from "../../domain/errors.js";
import { bookingCancelled, type LaunchEvent, launchCancelled } from "../../domain/launch/events.js";
import type { Call, Clock } from "../ports.js";
import type { LaunchUnitOfWork } from "./ports.js";

/**
 * Cancels a booking by ticket id (rule 7): frees its seat, cancels the launch when it was the
 * last passenger, and records the events. Cancelling twice returns the cancelled booking.
 */
export function createCancelBooking(deps: { uow: LaunchUnitOfWork; clock: Clock }) {
  return (ticketId: string, call?: Call): Promise<Booking> =>
    deps.uow.run(async (tx) => {
      const current = await tx.bookings.get(ticketId);
      if (!current) throw new DomainError("not_found", "BOOKING_NOT_FOUND", `booking ${ticketId} not found`);
      if (current.status === "cancelled") return current;

      // Lock order is always launch, then its bookings (the sync uses the same order), so two
      // cancels of one booking serialize here and the second sees it cancelled below.
      await tx.launches.lock(current.launchId);
      const now = deps.clock();
      const cancelled = await tx.bookings.cancelIfConfirmed(ticketId, { reason: "customer_request", spacexLaunchId: undefined, cancelledAt: now });
      if (!cancelled) return (await tx.bookings.get(ticketId)) ?? current;

      const launch = await tx.launches.releaseSeat(current.launchId, now);
      const events: LaunchEvent[] = [bookingCancelled(cancelled)];
      if (launch.status === "cancelled") events.push(launchCancelled(launch));
      await tx.outbox.add(events);
      return cancelled;
    }, call);
}
export type CancelBooking = ReturnType<typeof createCancelBooking>;

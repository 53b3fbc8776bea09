import type { Booking, CancellationReason } from "./booking.js";
import type { Launch, LaunchCancelReason } from "./launch.js";

/**
 * What happened, as the rest of the company hears it. Events are keyed by the launch they
 * belong to, so consumers see one launch's story in commit order.
 */
export type DomainEvent =
  | { readonly type: "BookingCreated"; readonly aggregateId: string; readonly booking: Booking; readonly launch: Launch }
  | {
      readonly type: "BookingCancelled";
      readonly aggregateId: string;
      readonly booking: Booking;
      readonly reason: CancellationReason;
      readonly spacexLaunchId: string | undefined;
    }
  | { readonly type: "LaunchCancelled"; readonly aggregateId: string; readonly launch: Launch; readonly reason: LaunchCancelReason };

export function bookingCreated(booking: Booking, launch: Launch): DomainEvent {
  return { type: "BookingCreated", aggregateId: launch.id, booking, launch };
}

export function bookingCancelled(booking: Booking): DomainEvent {
  if (!booking.cancellation) throw new Error(`booking ${booking.id} is not cancelled`);
  const { reason, spacexLaunchId } = booking.cancellation;
  return { type: "BookingCancelled", aggregateId: booking.launchId, booking, reason, spacexLaunchId };
}

export function launchCancelled(launch: Launch): DomainEvent {
  if (launch.status !== "cancelled" || !launch.cancelReason) throw new Error(`launch ${launch.id} is not cancelled`);
  return { type: "LaunchCancelled", aggregateId: launch.id, launch, reason: launch.cancelReason };
}

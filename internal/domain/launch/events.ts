import type { Booking, CancellationReason } from "./booking.js";
import type { Launch, LaunchCancelReason } from "./launch.js";

/** Launch events belong to the launch they concern: bookings on one launch are one story. */
export const LAUNCH_AGGREGATE = "launch";

interface LaunchEventBase {
  readonly aggregateType: typeof LAUNCH_AGGREGATE;
  /** The launch id. */
  readonly aggregateId: string;
}

/** What happened to a launch and its bookings, as the rest of the company hears it. */
export type LaunchEvent =
  | (LaunchEventBase & { readonly type: "BookingCreated"; readonly booking: Booking; readonly launch: Launch })
  | (LaunchEventBase & {
      readonly type: "BookingCancelled";
      readonly booking: Booking;
      readonly reason: CancellationReason;
      readonly spacexLaunchId: string | undefined;
    })
  | (LaunchEventBase & { readonly type: "LaunchCancelled"; readonly launch: Launch; readonly reason: LaunchCancelReason });

export function bookingCreated(booking: Booking, launch: Launch): LaunchEvent {
  return { type: "BookingCreated", aggregateType: LAUNCH_AGGREGATE, aggregateId: launch.id, booking, launch };
}

export function bookingCancelled(booking: Booking): LaunchEvent {
  if (!booking.cancellation) throw new Error(`booking ${booking.id} is not cancelled`);
  const { reason, spacexLaunchId } = booking.cancellation;
  return { type: "BookingCancelled", aggregateType: LAUNCH_AGGREGATE, aggregateId: booking.launchId, booking, reason, spacexLaunchId };
}

export function launchCancelled(launch: Launch): LaunchEvent {
  if (launch.status !== "cancelled" || !launch.cancelReason) throw new Error(`launch ${launch.id} is not cancelled`);
  return { type: "LaunchCancelled", aggregateType: LAUNCH_AGGREGATE, aggregateId: launch.id, launch, reason: launch.cancelReason };
}

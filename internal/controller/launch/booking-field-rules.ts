import type { DescMethod } from "@bufbuild/protobuf";
import { BookingService, type CreateBookingRequest } from "../../../gen/spacet/v1/booking_pb.js";
import type { CheckBookingRequest } from "../../app/launch/check-booking-request.js";
import type { FieldRules } from "../field-rules-interceptor.js";

/** The domain's field rules of BookingService's requests, for the validation step (field-rules-interceptor.ts). */
export function bookingFieldRules(uc: { checkBookingRequest: CheckBookingRequest }): ReadonlyMap<DescMethod, FieldRules> {
  return new Map<DescMethod, FieldRules>([
    [
      BookingService.method.createBooking,
      (message, call) => {
        const { firstName, lastName, birthday, launchpadId, launchDate } = message as CreateBookingRequest;
        return uc.checkBookingRequest({ firstName, lastName, birthday, launchpadId, launchDate }, call);
      },
    ],
  ]);
}

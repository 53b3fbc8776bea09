import { create, fromBinary, type MessageInitShape, type MessageShape, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { CreateBookingRequestSchema, CreateBookingResponseSchema } from "../gen/spacet/v1/booking_pb.js";

type Request = MessageShape<typeof CreateBookingRequestSchema>;
type Response = MessageShape<typeof CreateBookingResponseSchema>;

const serialize = (m: Request) => Buffer.from(toBinary(CreateBookingRequestSchema, m));
const deserialize = (b: Buffer) => fromBinary(CreateBookingResponseSchema, b);

/**
 * The load generator for CreateBooking: a stock @grpc/grpc-js client with the generated
 * protobuf-es codecs. The bench client shares the 2 cores with the service and Postgres, so it
 * should take as little of them as the raw pg client does: against the same server, this one
 * spent ~0.35–0.45 ms CPU per call and connect-node's gRPC transport ~0.55–0.75 ms, a cost that
 * lowered the ratio without saying anything about the service.
 */
export function createBookingLoadClient(address: string) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return {
    createBooking: (init: MessageInitShape<typeof CreateBookingRequestSchema>) =>
      new Promise<Response>((resolve, reject) => {
        client.makeUnaryRequest("/spacet.v1.BookingService/CreateBooking", serialize, deserialize, create(CreateBookingRequestSchema, init), (err, res) =>
          err || !res ? reject(err ?? new Error("CreateBooking answered nothing")) : resolve(res),
        );
      }),
    close: () => client.close(),
  };
}

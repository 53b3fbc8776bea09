import { create, type DescMessage, type DescMethodUnary, fromBinary, type MessageInitShape, type MessageShape, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";

/**
 * The load generator of the gRPC benches: a stock @grpc/grpc-js client with the generated
 * protobuf-es codecs. The bench client shares the 2 cores with the service and Postgres, so it
 * should take as little of them as the raw pg client does: against the same server, this one
 * spent ~0.35–0.45 ms CPU per call and connect-node's gRPC transport ~0.55–0.75 ms, a cost that
 * lowered the ratio without saying anything about the service.
 */
export function createGrpcLoadClient(address: string) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return {
    /** Calls a unary method; `headers` become gRPC metadata (e.g. `authorization`). */
    call<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      init: MessageInitShape<I>,
      headers: Readonly<Record<string, string>> = {},
    ): Promise<MessageShape<O>> {
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          `/${method.parent.typeName}/${method.name}`,
          (m: MessageShape<I>) => Buffer.from(toBinary(method.input, m)),
          (b: Buffer) => fromBinary(method.output, b),
          create(method.input, init),
          metadata,
          (err, res) => (err || !res ? reject(err ?? new Error(`${method.name} answered nothing`)) : resolve(res)),
        );
      });
    },
    close: () => client.close(),
  };
}
export type GrpcLoadClient = ReturnType<typeof createGrpcLoadClient>;

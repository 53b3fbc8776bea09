import http2 from "node:http2";

/**
 * One gRPC call over h2c with `message` as its protobuf body, sent as given (a client library
 * would refuse to send a broken one); resolves with the call's grpc-status.
 */
export function rawGrpcCall(url: string, path: string, message: readonly number[]): Promise<string | undefined> {
  const session = http2.connect(url);
  return new Promise<string | undefined>((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
    let status: string | undefined;
    stream.on("trailers", (t) => (status = String(t["grpc-status"])));
    stream
      .on("end", () => resolve(status))
      .on("error", reject)
      .resume();
    // The length-prefixed message: flags 0 (uncompressed), a 4-byte length, the bytes.
    const envelope = Buffer.alloc(5 + message.length);
    envelope.writeUInt32BE(message.length, 1);
    envelope.set(message, 5);
    stream.end(envelope);
  }).finally(() => session.close());
}

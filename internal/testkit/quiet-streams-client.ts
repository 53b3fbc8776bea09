/**
 * A hostile HTTP/2 client for tests, run in its own process: opens `count` gRPC streams on one
 * connection and never sends their bodies. Prints `opened <count>` once a PING came back (the
 * server has read every frame sent before it), then `reset <code>` when the first stream is
 * reset, and stays until killed. A separate process because node 20's HTTP/2 client can hang
 * tearing down a session with thousands of pending streams.
 *
 * Usage: node --import tsx internal/testkit/quiet-streams-client.ts <url> <count> <path>
 */
import http2 from "node:http2";

const [url, count, path] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const session = http2.connect(url);
session.on("error", (e) => console.log(`session-error ${e.message}`));
const streams = Array.from({ length: count }, () => {
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" }, { endStream: false });
  stream.on("error", () => undefined).resume();
  return stream;
});
streams[0].once("close", () => console.log(`reset ${streams[0].rstCode}`));
const settings = new Promise<http2.Settings>((resolve) => session.once("remoteSettings", resolve));
const pinged = new Promise<void>((resolve) => session.ping(() => resolve()));
void Promise.all([settings, pinged]).then(([s]) => console.log(`opened ${count} maxConcurrentStreams=${s.maxConcurrentStreams}`));

import type { Socket } from "node:net";
import { classifyPreface } from "./preface.js";

/**
 * Reads the first bytes of a fresh TCP connection until they tell HTTP/2 (prior knowledge) from
 * HTTP/1.1, then puts them back and reports the protocol; the caller hands the socket to the
 * matching server. Bytes can arrive one at a time, so nothing is decided on a short first read.
 *
 * A connection that stays undecided for `timeoutMs` is destroyed, so idle or slow connections
 * cannot pile up before any server owns them.
 */
export function sniffConnection(socket: Socket, timeoutMs: number, onDecided: (protocol: "h2" | "http1") => void): void {
  let head: Buffer = Buffer.alloc(0);
  const stop = (): void => {
    socket.off("data", onData);
    socket.off("timeout", onTimeout);
    socket.off("error", onError);
    socket.setTimeout(0);
  };
  const onData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const protocol = classifyPreface(head);
    if (protocol === undefined) return;
    stop();
    socket.pause();
    socket.unshift(head);
    onDecided(protocol);
    // node:http2 reads the unshifted bytes itself (on the next tick); node:http needs the stream
    // flowing again, which its own 'data' listener does not do after an explicit pause().
    if (protocol === "http1") process.nextTick(() => socket.resume());
  };
  const onTimeout = (): void => {
    stop();
    socket.destroy();
  };
  const onError = (): void => {
    stop();
    socket.destroy();
  };
  socket.setTimeout(timeoutMs);
  socket.on("timeout", onTimeout);
  socket.on("error", onError);
  socket.on("data", onData);
}

import http2, { type ServerHttp2Stream } from "node:http2";

/**
 * Resets an HTTP/2 stream (RST_STREAM CANCEL) when its request body is still open and nothing
 * moved on the stream for `ms`. Without it a client can open streams, never finish their bodies
 * and keep every handler waiting forever: each quiet stream holds tens of kilobytes, so a few
 * thousand of them exhaust the process. Once the client has sent END_STREAM the timer is
 * dropped, so a long response (a health Watch) is never cut.
 *
 * `state.remoteClose` is nghttp2's own view of END_STREAM, so a body that arrived but was not
 * read yet counts as complete.
 */
export function armBodyTimeout(stream: ServerHttp2Stream, ms: number): void {
  if (stream.endAfterHeaders) return;
  stream.setTimeout(ms, () => {
    if (stream.destroyed || stream.state.remoteClose) stream.setTimeout(0);
    else stream.close(http2.constants.NGHTTP2_CANCEL);
  });
}

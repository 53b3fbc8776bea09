/** The HTTP/2 client connection preface (RFC 9113 §3.4) that every prior-knowledge h2c client sends first. */
export const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Classifies the first bytes of a connection: "h2" once the whole preface arrived, "http1" as soon
 * as a byte differs from it (so `GET /` is decided on its first byte, and `POST` on its second),
 * undefined while the bytes so far are still a prefix of the preface and more must be read.
 */
export function classifyPreface(head: Buffer): "h2" | "http1" | undefined {
  const n = Math.min(head.length, HTTP2_PREFACE.length);
  if (head.subarray(0, n).compare(HTTP2_PREFACE, 0, n) !== 0) return "http1";
  return n === HTTP2_PREFACE.length ? "h2" : undefined;
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** A verified Standard Webhooks event. */
export interface ReceivedEvent {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: unknown;
}

/** Largest body accepted (SpaceT keeps them under 20 KB). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * An HTTP receiver of Standard Webhooks: the body is verified against each secret in turn with
 * `standardwebhooks` (one secret per SpaceT alert or subscription), and each webhook-id is
 * handed to `onEvent` once, however many times it is retried.
 */
export async function startReceiver(opts: {
  port: number;
  host: string;
  secrets: readonly string[];
  onEvent: (event: ReceivedEvent) => void;
  onRejected?: (reason: string) => void;
}): Promise<{ port: number; close(): Promise<void> }> {
  const verifiers = opts.secrets.map((s) => new Webhook(s));
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": String(req.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
      };
      let event: { type: string; timestamp: string; data: unknown } | undefined;
      for (const verifier of verifiers) {
        try {
          event = verifier.verify(body, headers) as typeof event;
          break;
        } catch {
          // try the next secret
        }
      }
      if (!event) {
        opts.onRejected?.(`signature not valid for webhook-id ${headers["webhook-id"]}`);
        res.writeHead(401).end();
        return;
      }
      if (!seen.has(headers["webhook-id"])) {
        seen.add(headers["webhook-id"]);
        opts.onEvent({ id: headers["webhook-id"], type: event.type, timestamp: event.timestamp, data: event.data });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

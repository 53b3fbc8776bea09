import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request as the receiver got it. */
export interface ReceivedWebhook {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** What to answer the n-th request (1-based): a status (and headers), or never ("hang"). */
export type Answer = { readonly status: number; readonly headers?: Record<string, string> } | "hang";

export interface TestReceiver {
  /** http://127.0.0.1:<port>/hook */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ReceivedWebhook[];
  /** TCP connections accepted so far (an SSRF test expects none). */
  readonly connections: number;
  /** Changes the answers from now on. */
  answer(fn: (n: number, req: ReceivedWebhook) => Answer): void;
  /** Verifies a request with the reference library (standardwebhooks) and returns the event; throws when it does not verify. */
  verify(req: ReceivedWebhook, secret: string): { type: string; timestamp: string; data: Record<string, unknown> };
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers as told
 * (204 by default), can hang, and counts connections. Verification uses `standardwebhooks`, the
 * reference implementation, so the sender's signatures are checked by code that is not ours.
 */
export async function startTestReceiver(opts: { port?: number } = {}): Promise<TestReceiver> {
  const requests: ReceivedWebhook[] = [];
  let connections = 0;
  let answer: (n: number, req: ReceivedWebhook) => Answer = () => ({ status: 204 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received: ReceivedWebhook = {
        id: String(req.headers["webhook-id"] ?? ""),
        timestamp: String(req.headers["webhook-timestamp"] ?? ""),
        signature: String(req.headers["webhook-signature"] ?? ""),
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
      };
      requests.push(received);
      const a = answer(requests.length, received);
      if (a === "hang") return;
      res.writeHead(a.status, a.headers).end();
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    get connections() {
      return connections;
    },
    answer(fn) {
      answer = fn;
    },
    verify(req, secret) {
      return new Webhook(secret).verify(req.body, {
        "webhook-id": req.id,
        "webhook-timestamp": req.timestamp,
        "webhook-signature": req.signature,
      }) as ReturnType<TestReceiver["verify"]>;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

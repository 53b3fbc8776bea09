import { STATUS_CODES } from "node:http";

/** What a route decides to send; the server serialises it. */
export interface Answer {
  readonly status: number;
  /** A JSON body; when absent the body is `text`. */
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonAnswer(json: unknown, status = 200): Answer {
  return { status, json };
}

/** Plain-text answers, as Koa's `ctx.throw(status)` produces on the real API (e.g. 404 `Not Found`). */
export function textAnswer(status: number, text = STATUS_CODES[status] ?? String(status)): Answer {
  return { status, text };
}

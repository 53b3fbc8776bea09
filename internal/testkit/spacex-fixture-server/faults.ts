import { type Answer, textAnswer } from "./answer.js";

/**
 * A failure the fixture server injects, so client tests can exercise every error path
 * without a network. `route` (a path such as `/launches/query`, with or without `/v4`)
 * limits the fault to that route; without it every request is affected.
 */
export type SpacexFixtureFault = { readonly route?: string } & (
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number }
  /** Never answers: the request hangs until the client gives up or the server closes. */
  | { readonly kind: "timeout" }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { readonly kind: "malformed" }
  /** That page of a `/query` answer comes back with no docs and an otherwise unchanged envelope. */
  | { readonly kind: "missing_page"; readonly page: number }
  /** The next `failures` requests answer 503, then the fault clears itself. */
  | { readonly kind: "flaky"; readonly failures: number }
);

/** What the server does with a request before routing it. */
type Interception = { readonly hold: true } | { readonly answer: Answer } | undefined;

/** Holds the current fault and applies it around routing. */
export interface FaultSwitch {
  set(fault: SpacexFixtureFault | null): void;
  /** Decides, before any routing, whether a request is held or answered with a failure. */
  intercept(path: string): Interception;
  /** Damages a routed answer (used by `missing_page`). */
  rewrite(path: string, answer: Answer): Answer;
}

export function createFaultSwitch(): FaultSwitch {
  let fault: SpacexFixtureFault | null = null;
  let flakyLeft = 0;
  const applies = (path: string) => fault !== null && (fault.route === undefined || normalise(fault.route) === path);

  return {
    set(next) {
      fault = next === null ? null : checked(next);
      flakyLeft = fault?.kind === "flaky" ? fault.failures : 0;
    },
    intercept(path) {
      if (fault === null || !applies(path)) return undefined;
      switch (fault.kind) {
        case "status": {
          const headers = fault.retryAfterSeconds === undefined ? undefined : { "retry-after": String(fault.retryAfterSeconds) };
          return { answer: { ...textAnswer(fault.status), headers } };
        }
        case "timeout":
          return { hold: true };
        case "malformed":
          return { answer: { status: 200, text: '{"docs": [{"id": ', headers: { "content-type": "application/json" } } };
        case "flaky":
          if (--flakyLeft === 0) fault = null;
          return { answer: textAnswer(503) };
        case "missing_page":
          return undefined;
      }
    },
    rewrite(path, answer) {
      if (fault?.kind !== "missing_page" || !applies(path)) return answer;
      const body = answer.json as { page?: unknown; docs?: unknown } | undefined;
      if (answer.status !== 200 || body?.page !== fault.page || !Array.isArray(body.docs)) return answer;
      return { ...answer, json: { ...body, docs: [] } };
    },
  };
}

function normalise(route: string): string {
  return route.replace(/^\/v4(?=\/)/, "");
}

function checked(fault: SpacexFixtureFault): SpacexFixtureFault {
  const positive = (value: number) => Number.isSafeInteger(value) && value > 0;
  const valid =
    (fault.kind === "status" && Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599) ||
    fault.kind === "timeout" ||
    fault.kind === "malformed" ||
    (fault.kind === "missing_page" && positive(fault.page)) ||
    (fault.kind === "flaky" && positive(fault.failures));
  if (!valid) throw new RangeError(`invalid fault ${JSON.stringify(fault)}`);
  return fault;
}

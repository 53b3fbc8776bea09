import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../app/ports.js";

/** Observes each finished RPC: method, gRPC code and duration (seconds). */
export type RpcObserver = (method: string, code: string, seconds: number) => void;

/**
 * One log line per RPC: method, code and duration. Requests and responses are never logged:
 * they carry names and birthdays. A streaming RPC is logged when its response stream ends, with
 * the code it ended with (a request stream that could not be decoded shows up there).
 */
export function createLoggingInterceptor(log: Logger, observe?: RpcObserver): Interceptor {
  // Defined once, and method names built once per method: every RPC passes through here.
  const finish = (method: string, started: bigint, code: Code | undefined) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const name = code === undefined ? "ok" : codeName(code);
    observe?.(method, name, seconds);
    const level = code === Code.Internal || code === Code.Unknown ? "error" : "info";
    log[level]({ rpc: method, code: name, ms: Math.round(seconds * 1e4) / 10 }, "rpc");
  };
  const names = new WeakMap<object, string>();
  return (next) => async (req) => {
    const started = process.hrtime.bigint();
    const known = names.get(req.method);
    const method = known ?? `${req.service.typeName}/${req.method.name}`;
    if (known === undefined) names.set(req.method, method);
    try {
      const res = await next(req);
      if (!res.stream) {
        finish(method, started, undefined);
        return res;
      }
      return { ...res, message: observeEnd(res.message, (code) => finish(method, started, code)) };
    } catch (e) {
      finish(method, started, ConnectError.from(e).code);
      throw e;
    }
  };
}

/** "NotFound" → "not_found". */
const codeName = (code: Code) => Code[code].replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase());

/** The same messages; `end` is called once, with the error's code or undefined, when the stream ends. */
async function* observeEnd<T>(messages: AsyncIterable<T>, end: (code: Code | undefined) => void): AsyncIterable<T> {
  let code: Code | undefined = Code.Canceled; // left early: the client went away
  try {
    yield* messages;
    code = undefined;
  } catch (e) {
    code = ConnectError.from(e).code;
    throw e;
  } finally {
    end(code);
  }
}

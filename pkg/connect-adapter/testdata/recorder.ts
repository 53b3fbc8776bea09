import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** An interceptor that records `<method> <code>` (`Check ok`, `Check InvalidArgument`) for every RPC it saw finish. */
export const recorder =
  (seen: string[]): Interceptor =>
  (next) =>
  async (req) => {
    try {
      const res = await next(req);
      seen.push(`${req.method.name} ok`);
      return res;
    } catch (e) {
      seen.push(`${req.method.name} ${Code[ConnectError.from(e).code]}`);
      throw e;
    }
  };

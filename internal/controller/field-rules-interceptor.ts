import type { DescMethod, Message } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Call } from "../app/ports.js";
import type { FieldViolation } from "../domain/errors.js";
import { toViolation, violatedField } from "./violations.js";

/** The domain's checks of one method's request fields (e.g. names, dates), as the app exposes them. */
export type FieldRules = (message: Message, call: Call) => Promise<readonly FieldViolation[]>;

/**
 * Puts the domain's field rules into the answer of a request that protovalidate refused, so a
 * client learns every problem at once: without it, a wrong enum hid a bad name, and the name
 * and date rules showed only once the shape was right. Place it just outside the validate
 * interceptor (`[…, errors, fieldRules, validate]`): an INVALID_ARGUMENT with Violations can only
 * come from there, since the handlers' own violations travel as DomainErrors until the errors
 * interceptor. A request that passes protovalidate is left to the use case, which reports its
 * domain violations in one answer itself; the rules stay the domain's, reached through the app.
 */
export function createFieldRulesInterceptor(rules: ReadonlyMap<DescMethod, FieldRules>): Interceptor {
  return (next) => async (req) => {
    const rule = rules.get(req.method);
    if (!rule || req.stream) return next(req);
    try {
      return await next(req);
    } catch (e) {
      if (!(e instanceof ConnectError) || e.code !== Code.InvalidArgument) throw e;
      const [found] = e.findDetails(ViolationsSchema);
      if (!found) throw e;
      // A field protovalidate already refused is not judged again (its value may be anything).
      const flagged = new Set(found.violations.map(violatedField));
      const more = (await rule(req.message, { signal: req.signal })).filter((v) => !flagged.has(v.field));
      if (more.length === 0) throw e;
      const violations = [...found.violations, ...more.map((v) => toViolation(v, req.method.input))];
      const head = e.rawMessage.replace(/, and \d+ more violations?$/, "");
      const rest = violations.length - 1;
      const message = `${head}, and ${rest} more violation${rest > 1 ? "s" : ""}`;
      throw new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: ViolationsSchema, value: { ...found, violations } }], e);
    }
  };
}

import type { DescField, DescMessage, JsonObject, JsonValue, MessageShape, Registry } from "@bufbuild/protobuf";
import { badRequest, invalidFields, RULE, type FieldProblem, type PathStep } from "./bad-request.js";
import { isJsonObject } from "./json-fields.js";
import { jsonToMessage } from "./json-to-message.js";
import { resolveQueryKey, setUrlValue } from "./request-fields.js";
import type { Route } from "./route-table.js";

/** What a request contributes to the RPC input, already split by the transport layer. */
export interface RequestParts {
  /** Parsed JSON body, or undefined when the request had none. */
  readonly body: JsonValue | undefined;
  /** Decoded path variable values, in template order. */
  readonly pathValues: readonly string[];
  readonly query: URLSearchParams;
}

/**
 * Builds the RPC input message for a route, in grpc-gateway's order: the body (`*` or one field),
 * then path variables, then query parameters for the fields neither of them binds. Nothing is
 * silently dropped: unknown JSON fields, unknown query parameters, query parameters for fields the
 * path or body already binds, and a body on a route that takes none are all INVALID_ARGUMENT.
 *
 * `normalize` (lenient enums) runs on the assembled JSON, so it covers body, path and query alike.
 */
export function buildRequest(
  route: Route,
  parts: RequestParts,
  registry: Registry,
  normalize?: (message: DescMessage, json: JsonValue) => void,
): MessageShape<DescMessage> {
  const input = route.method.input;
  let json: JsonObject = {};
  if (parts.body !== undefined) {
    if (route.body === undefined) throw badRequest(`${route.httpMethod} ${route.path.template} takes no request body`);
    if (route.body === "*") {
      if (!isJsonObject(parts.body)) throw badRequest("request body must be a JSON object");
      json = parts.body;
    } else {
      json[route.body.jsonName] = parts.body;
    }
  }

  const problems: FieldProblem[] = [];
  route.pathFields.forEach((fields, i) => {
    const problem = setUrlValue(json, fields, [parts.pathValues[i]]);
    if (problem) problems.push(problem);
  });
  problems.push(...applyQuery(route, parts.query, json));
  if (problems.length > 0) throw invalidFields(problems);

  normalize?.(input, json);
  return jsonToMessage(input, json, registry);
}

function applyQuery(route: Route, query: URLSearchParams, json: JsonObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byField = new Map<string, { fields: DescField[]; values: string[] }>();
  for (const key of new Set(query.keys())) {
    if (route.body === "*") {
      problems.push({
        path: [{ unknown: key }],
        ruleId: RULE.unknownField,
        message: `unknown query parameter "${key}": this route takes every field from the body`,
      });
      continue;
    }
    const resolved = resolveQueryKey(route.method.input, key);
    if (!Array.isArray(resolved)) {
      problems.push(resolved);
      continue;
    }
    const path = resolved.map((field): PathStep => ({ field }));
    const bound = boundBy(
      route,
      resolved.map((f) => f.name),
    );
    if (bound) {
      problems.push({ path, ruleId: RULE.notSettable, message: `query parameter "${key}" sets a field the ${bound} already binds` });
      continue;
    }
    const id = resolved.map((f) => f.number).join(".");
    const entry = byField.get(id) ?? { fields: resolved, values: [] };
    entry.values.push(...query.getAll(key));
    byField.set(id, entry);
  }
  for (const { fields, values } of byField.values()) {
    const problem = setUrlValue(json, fields, values);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Whether the field path (proto names) lies inside, or contains, a path variable or the body field. */
function boundBy(route: Route, names: readonly string[]): "URL path" | "request body" | undefined {
  const overlaps = (other: readonly string[]): boolean => other.every((n, i) => i >= names.length || names[i] === n);
  if (route.pathFields.some((fields) => overlaps(fields.map((f) => f.name)))) return "URL path";
  if (route.body !== undefined && route.body !== "*" && names[0] === route.body.name) return "request body";
  return undefined;
}

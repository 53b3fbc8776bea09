import { getOption, hasOption, type DescField, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { http as httpRuleOption } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { compilePathTemplate, matchPathTemplate, type PathTemplate } from "./path-template.js";

/** One REST binding of a unary RPC: an HTTP method plus a path template. */
export interface Route {
  readonly httpMethod: string;
  readonly path: PathTemplate;
  readonly method: DescMethod & { methodKind: "unary" };
  /** Fields bound by path variables, resolved once at startup. */
  readonly pathFields: readonly (readonly DescField[])[];
  /** `"*"`, a top-level field (resolved), or undefined when the route takes no body. */
  readonly body: "*" | DescField | undefined;
  /** Output field to answer with instead of the whole response message (`response_body`). */
  readonly responseBody: DescField | undefined;
}

/** Result of looking up a request in the route table. */
export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly values: string[] }
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "none" };

/** Thrown at startup when an annotation names a field that does not exist. */
export class RouteConfigError extends Error {
  override name = "RouteConfigError";
}

/**
 * Builds the route table for all unary methods of `services` that carry a `google.api.http`
 * annotation, including `additional_bindings`. Streaming methods are skipped: the transcoder only
 * speaks unary JSON. Every annotation is checked here, so a typo fails the process at startup
 * instead of answering 500 at request time.
 */
export function createRouteTable(services: readonly DescService[]): {
  readonly routes: readonly Route[];
  match(httpMethod: string, rawPath: string): RouteMatch;
} {
  const routes = services.flatMap((s) => s.methods.flatMap(routesOf));
  // Most specific first, so `/v1/shelves/special` wins over `/v1/shelves/{id}`.
  routes.sort(
    (a, b) =>
      Number(a.path.hasDoubleWildcard) - Number(b.path.hasDoubleWildcard) ||
      b.path.literalCount - a.path.literalCount ||
      Number(b.path.verb !== undefined) - Number(a.path.verb !== undefined),
  );
  return {
    routes,
    match(httpMethod, rawPath) {
      const allow = new Set<string>();
      for (const route of routes) {
        const values = matchPathTemplate(route.path, rawPath);
        if (!values) continue;
        if (route.httpMethod === httpMethod) return { kind: "found", route, values };
        allow.add(route.httpMethod);
      }
      return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow].sort() } : { kind: "none" };
    },
  };
}

function routesOf(method: DescMethod): Route[] {
  if (method.methodKind !== "unary" || !hasOption(method, httpRuleOption)) return [];
  const unary = method as DescMethod & { methodKind: "unary" };
  const top = getOption(method, httpRuleOption);
  return [top, ...top.additionalBindings].map((rule) => compileRule(unary, rule));
}

function compileRule(method: DescMethod & { methodKind: "unary" }, rule: HttpRule): Route {
  const where = `${method.parent.typeName}.${method.name}`;
  const pattern = rule.pattern;
  if (pattern.case === undefined) throw new RouteConfigError(`${where}: google.api.http has no pattern`);
  const [httpMethod, template] =
    pattern.case === "custom" ? [pattern.value.kind.toUpperCase(), pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  const path = compilePathTemplate(template);
  const pathFields = path.variables.map((v) => resolveScalarPath(method.input, v.fieldPath, `${where} path variable`));
  let body: Route["body"];
  if (rule.body === "*") body = "*";
  else if (rule.body !== "") body = topLevelField(method.input, rule.body, `${where} body`);
  const responseBody = rule.responseBody === "" ? undefined : topLevelField(method.output, rule.responseBody, `${where} response_body`);
  return { httpMethod, path, method, pathFields, body, responseBody };
}

function topLevelField(message: DescMessage, name: string, where: string): DescField {
  const field = message.fields.find((f) => f.name === name);
  if (!field) throw new RouteConfigError(`${where}: ${message.typeName} has no field "${name}"`);
  return field;
}

/** Path variables must end in a singular scalar or enum field, reached through singular messages. */
function resolveScalarPath(message: DescMessage, path: readonly string[], where: string): DescField[] {
  const fields: DescField[] = [];
  let current = message;
  path.forEach((name, i) => {
    const field = topLevelField(current, name, where);
    fields.push(field);
    const last = i === path.length - 1;
    if (!last && field.fieldKind !== "message") throw new RouteConfigError(`${where}: "${name}" is not a message field`);
    if (last && field.fieldKind !== "scalar" && field.fieldKind !== "enum") {
      throw new RouteConfigError(`${where}: "${path.join(".")}" must be a singular scalar or enum field`);
    }
    if (field.fieldKind === "message") current = field.message;
  });
  return fields;
}

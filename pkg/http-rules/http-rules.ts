import {
  getOption,
  hasOption,
  type DescExtension,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
} from "@bufbuild/protobuf";
import type { GenExtension } from "@bufbuild/protobuf/codegenv2";
import type { MethodOptions } from "@bufbuild/protobuf/wkt";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { compilePathTemplate, type PathTemplate } from "./path-template.js";

/** One REST binding of a unary RPC: an HTTP method plus a path template, its fields resolved. */
export interface HttpRoute {
  /** Upper case: GET, POST, ... or the `custom` kind as written. */
  readonly httpMethod: string;
  readonly path: PathTemplate;
  readonly method: DescMethod & { methodKind: "unary" };
  /** Fields bound by path variables, in template order (a chain for `{a.b}`). */
  readonly pathFields: readonly (readonly DescField[])[];
  /** `"*"`, a top-level field of the input, or undefined when the route takes no body. */
  readonly body: "*" | DescField | undefined;
  /** Output field answered instead of the whole response message (`response_body`). */
  readonly responseBody: DescField | undefined;
}

/** Thrown when an annotation names a field that does not exist or cannot be bound. */
export class RouteConfigError extends Error {
  override name = "RouteConfigError";
}

const HTTP_EXTENSION = "google.api.http";
type HttpExtension = GenExtension<MethodOptions, HttpRule>;

/**
 * Reads the `google.api.http` annotations (with `additional_bindings`) of every unary method of
 * `services`, in declaration order. Streaming methods are skipped: REST here is unary JSON.
 * Every annotation is checked, so a typo fails at startup or generation time, not per request.
 *
 * The REST transcoder and the OpenAPI generator both read routes through this one walker, so the
 * document describes exactly what the gateway binds.
 *
 * The extension is looked up among the imports of each service's file instead of being imported
 * from generated code: a protoc plugin then reads the same annotations from the descriptors of
 * its request, before any code is generated.
 */
export function readHttpRoutes(services: readonly DescService[]): HttpRoute[] {
  return services.flatMap((service) => {
    const extension = findHttpExtension(service.file);
    return extension ? service.methods.flatMap((m) => routesOf(m, extension)) : [];
  });
}

function routesOf(method: DescMethod, extension: HttpExtension): HttpRoute[] {
  if (method.methodKind !== "unary" || !hasOption(method, extension)) return [];
  const unary = method as DescMethod & { methodKind: "unary" };
  const top = getOption(method, extension);
  return [top, ...top.additionalBindings].map((rule) => compileRule(unary, rule));
}

/** The `google.api.http` extension among the files `file` imports (directly or publicly through others). */
function findHttpExtension(file: DescFile): HttpExtension | undefined {
  const seen = new Set<DescFile>();
  const queue = [file];
  while (queue.length > 0) {
    const next = queue.shift() as DescFile;
    if (seen.has(next)) continue;
    seen.add(next);
    const found = next.extensions.find((e: DescExtension) => e.typeName === HTTP_EXTENSION);
    if (found) return found as HttpExtension;
    queue.push(...next.dependencies);
  }
  return undefined;
}

function compileRule(method: DescMethod & { methodKind: "unary" }, rule: HttpRule): HttpRoute {
  const where = `${method.parent.typeName}.${method.name}`;
  const pattern = rule.pattern;
  if (pattern.case === undefined) throw new RouteConfigError(`${where}: google.api.http has no pattern`);
  const [httpMethod, template] =
    pattern.case === "custom" ? [pattern.value.kind.toUpperCase(), pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  const path = compilePathTemplate(template);
  const pathFields = path.variables.map((v) => resolveScalarPath(method.input, v.fieldPath, `${where} path variable`));
  let body: HttpRoute["body"];
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

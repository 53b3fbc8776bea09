import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { HttpRoute } from "../http-rules/index.js";
import { messageSchema, withDescription, type Describe } from "./message-schema.js";
import { fieldValueSchema, wellKnownSchema, type Schema, type SchemaRefs } from "./value-schema.js";

/** An OpenAPI parameter object. */
export type Parameter = { [key: string]: unknown };

/**
 * The path parameters of a route, named by `names` (the placeholders of its OpenAPI path; usually
 * the field paths of its template, `ticket_id`, `book.name`). A variable with a sub-template
 * (`{name=shelves/*}`) spans several segments; its shape is described in words, as OpenAPI path
 * parameters cannot contain a slash.
 */
export function pathParameters(route: HttpRoute, names: readonly string[], refs: SchemaRefs, describe: Describe): Parameter[] {
  return route.path.variables.map((variable, i) => {
    const fields = route.pathFields[i];
    const leaf = fields[fields.length - 1];
    const fieldPath = variable.fieldPath.join(".");
    const sets = names[i] === fieldPath ? undefined : `Sets \`${fieldPath}\`.`;
    const shape = variable.multiSegment ? `Matches \`${variableTemplate(route.path.template, fieldPath)}\` (may contain \`/\`).` : undefined;
    const description = [describe(leaf), sets, shape].filter(Boolean).join("\n\n");
    return withDescription({ name: names[i], in: "path", required: true, schema: fieldValueSchema(leaf, "input", refs) }, description);
  });
}

/** The sub-template of a variable, e.g. `shelves/*` for `{name=shelves/*}`. */
function variableTemplate(template: string, fieldPath: string): string {
  const match = new RegExp(`\\{${fieldPath.replace(/\./g, "\\.")}=([^}]*)\\}`).exec(template);
  return match ? match[1] : "*";
}

/**
 * The query parameters of a route, as the transcoder binds them: every field neither the path nor
 * the body binds, by its JSON name (the proto name works too), nested messages through dotted
 * names (`author.name`), repeated fields by repeating the key. Maps and plain message fields
 * cannot be set from a query string; a `body: "*"` route takes none at all.
 */
export function queryParameters(route: HttpRoute, refs: SchemaRefs, describe: Describe): Parameter[] {
  if (route.body === "*") return [];
  const bound = route.pathFields.map((fields) => fields.map((f) => f.name));
  if (route.body) bound.push([route.body.name]);
  const overlaps = (names: readonly string[]): boolean => bound.some((other) => other.every((n, i) => i >= names.length || names[i] === n));

  const params: Parameter[] = [];
  const walk = (message: DescMessage, names: string[], jsonNames: string[], stack: readonly DescMessage[]): void => {
    for (const field of message.fields) {
      const path = [...names, field.name];
      const jsonPath = [...jsonNames, field.jsonName];
      const nested = nestedMessage(field);
      if (field.fieldKind === "map") continue;
      if (nested) {
        // Recursion stops at a message already on the path: a query string cannot nest forever.
        if (!stack.includes(nested)) walk(nested, path, jsonPath, [...stack, nested]);
        continue;
      }
      if (overlaps(path)) continue; // the transcoder rejects a query parameter for a bound field
      const schema = fieldValueSchema(field, "input", refs);
      const param: Parameter = { name: jsonPath.join("."), in: "query", schema };
      if (field.fieldKind === "list") param.explode = true;
      if (field.deprecated) param.deprecated = true;
      params.push(withDescription(param, describe(field)));
    }
  };
  walk(route.method.input, [], [], [route.method.input]);
  return params;
}

/** The message a query parameter must address through dotted names (not a well-known type), if any. */
function nestedMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind !== "message") return undefined;
  return wellKnownSchema(field.message) === undefined && field.message.typeName !== "google.protobuf.Any" ? field.message : undefined;
}

/** Request body schema of a route, or undefined when it takes none. */
export function requestBodySchema(route: HttpRoute, refs: SchemaRefs, describe: Describe): Schema | undefined {
  if (route.body === undefined) return undefined;
  if (route.body !== "*") return fieldValueSchema(route.body, "input", refs);
  // Fields the URL path binds are left out of the body (the transcoder would accept them only
  // when they repeat the path's value).
  const pathBound = new Set(route.pathFields.filter((fields) => fields.length === 1).map((fields) => fields[0]));
  if (pathBound.size === 0) return refs.message(route.method.input, "input");
  return messageSchema(route.method.input, { role: "input", refs, describe, omit: pathBound });
}

/** Response body schema of a route: the output message, or its `response_body` field (null when unset). */
export function responseBodySchema(route: HttpRoute, refs: SchemaRefs): Schema {
  const field = route.responseBody;
  if (!field) return refs.message(route.method.output, "output");
  const schema = fieldValueSchema(field, "output", refs);
  return field.fieldKind === "message" ? { oneOf: [schema, { type: "null" }] } : schema;
}

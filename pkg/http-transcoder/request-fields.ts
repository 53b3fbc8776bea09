import { ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { RULE, type FieldProblem, type PathStep } from "./bad-request.js";
import { findField, hasSpecialJson, isJsonObject } from "./json-fields.js";

/**
 * Resolves a query parameter name (`page_size`, `pageSize`, `filter.min_seats`) to the chain of
 * fields it addresses, or describes why it cannot be set from a query string. Only scalars, enums
 * and well-known types (each singular or repeated) are settable; messages are reached through
 * dotted names, maps not at all.
 */
export function resolveQueryKey(message: DescMessage, key: string): DescField[] | FieldProblem {
  const fields: DescField[] = [];
  let current = message;
  const parts = key.split(".");
  for (let i = 0; i < parts.length; i++) {
    const path = fields.map((field): PathStep => ({ field }));
    const field = findField(current, parts[i]);
    if (!field) return { path: [...path, { unknown: parts[i] }], ruleId: RULE.unknownField, message: `unknown query parameter "${key}"` };
    fields.push(field);
    const at = [...path, { field }];
    const last = i === parts.length - 1;
    const leafMessage = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
    if (field.fieldKind === "map") {
      return { path: at, ruleId: RULE.notSettable, message: `map field cannot be set from query parameter "${key}"` };
    }
    if (!last) {
      if (field.fieldKind !== "message" || hasSpecialJson(field.message)) {
        return { path: at, ruleId: RULE.notSettable, message: `"${parts[i]}" has no fields to address in query parameter "${key}"` };
      }
      current = field.message;
    } else if (leafMessage && !hasSpecialJson(leafMessage)) {
      return { path: at, ruleId: RULE.notSettable, message: `message field needs a dotted query parameter such as "${key}.<field>"` };
    }
  }
  return fields;
}

/**
 * Sets a string from the URL (path variable or query parameter) at a field path of the request
 * JSON, turning it into the JSON type the field expects (`"true"` → true for bools, `"3"` → 3 for
 * enums). Other conversions (ints, timestamps, ...) are left to protobuf JSON, which accepts
 * strings for them and reports errors per field.
 *
 * Returns a problem when a singular field gets several values, or when the body already holds a
 * different value for a field the URL path binds (the path is the resource name; both must agree).
 */
export function setUrlValue(root: JsonObject, fields: readonly DescField[], values: readonly string[]): FieldProblem | undefined {
  const path = fields.map((field): PathStep => ({ field }));
  let target = root;
  for (const [i, field] of fields.slice(0, -1).entries()) {
    const existing = target[field.jsonName] ?? target[field.name];
    if (existing !== undefined && existing !== null && !isJsonObject(existing)) {
      return { path: path.slice(0, i + 1), ruleId: RULE.invalidValue, message: `expected a JSON object for ${field.message?.typeName ?? field.name}` };
    }
    const next: JsonObject = existing ?? {};
    delete target[field.name];
    target[field.jsonName] = next;
    target = next;
  }
  const leaf = fields[fields.length - 1];
  const repeated = leaf.fieldKind === "list";
  if (!repeated && values.length > 1) {
    return { path, ruleId: RULE.conflict, message: `query parameter given ${values.length} times for a singular field` };
  }
  const existing = target[leaf.jsonName] ?? target[leaf.name];
  if (existing !== undefined && existing !== null && String(existing) !== values[0]) {
    return { path, ruleId: RULE.conflict, message: `the request body says ${JSON.stringify(existing)} but the URL path says "${values[0]}"` };
  }
  delete target[leaf.name];
  target[leaf.jsonName] = repeated ? values.map((v) => coerce(leaf, v)) : coerce(leaf, values[0]);
  return undefined;
}

const BOOLS: Record<string, boolean> = { true: true, false: false, "1": true, "0": false };

function coerce(field: DescField, raw: string): JsonValue {
  let scalar: ScalarType | undefined;
  if (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) scalar = field.scalar;
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message && isWrapperDesc(message)) scalar = message.fields[0].scalar;
  const isEnum = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum");
  if (isEnum && /^-?\d+$/.test(raw)) return Number(raw);
  if (scalar === ScalarType.BOOL) return BOOLS[raw.toLowerCase()] ?? raw;
  return raw;
}

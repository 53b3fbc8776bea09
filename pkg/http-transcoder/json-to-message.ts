import { fromJson, type DescMessage, type JsonValue, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { badRequest, invalidFields, RULE, type FieldProblem, type PathStep } from "./bad-request.js";
import { findField, hasSpecialJson, isJsonObject } from "./json-fields.js";

/**
 * Decodes protobuf JSON strictly (unknown fields are errors). When decoding fails, it finds every
 * offending field and throws INVALID_ARGUMENT with a `buf.validate.Violations` detail naming them,
 * so a REST client learns *which* field was wrong, not just that the body was.
 *
 * The diagnosis re-runs `fromJson` on one field at a time and descends into nested messages, lists
 * and maps, so it reuses protobuf-es's exact JSON rules instead of re-implementing them. It only
 * runs on the error path.
 */
export function jsonToMessage<Desc extends DescMessage>(schema: Desc, json: JsonValue, registry: Registry): MessageShape<Desc> {
  try {
    return fromJson(schema, json, { registry });
  } catch (e) {
    const problems: FieldProblem[] = [];
    diagnose(schema, json, [], registry, problems);
    if (problems.length > 0) throw invalidFields(problems);
    throw badRequest(`invalid request: ${describe(e)}`);
  }
}

function diagnose(schema: DescMessage, json: JsonValue, path: PathStep[], registry: Registry, out: FieldProblem[]): void {
  if (!isJsonObject(json)) {
    out.push({ path, ruleId: RULE.invalidValue, message: `expected a JSON object for ${schema.typeName}` });
    return;
  }
  for (const [key, value] of Object.entries(json)) {
    const field = findField(schema, key);
    if (!field) {
      out.push({ path: [...path, { unknown: key }], ruleId: RULE.unknownField, message: "unknown field" });
      continue;
    }
    const error = failure(schema, { [key]: value }, registry);
    if (error === undefined) continue;
    const here = [...path, { field }];
    const before = out.length;
    if (field.fieldKind === "message" && !hasSpecialJson(field.message) && isJsonObject(value)) {
      diagnose(field.message, value, here, registry, out);
    } else if (field.fieldKind === "list" && Array.isArray(value)) {
      value.forEach((item, index) => {
        const itemError = failure(schema, { [key]: [item] }, registry);
        if (itemError === undefined) return;
        const at = [...path, { field, subscript: index }];
        const nested = out.length;
        if (field.listKind === "message" && !hasSpecialJson(field.message)) diagnose(field.message, item, at, registry, out);
        if (out.length === nested) out.push({ path: at, ruleId: RULE.invalidValue, message: describe(itemError) });
      });
    } else if (field.fieldKind === "map" && isJsonObject(value)) {
      for (const [mapKey, item] of Object.entries(value)) {
        const itemError = failure(schema, { [key]: { [mapKey]: item } }, registry);
        if (itemError === undefined) continue;
        const at = [...path, { field, subscript: mapKey }];
        const nested = out.length;
        if (field.mapKind === "message" && !hasSpecialJson(field.message)) diagnose(field.message, item, at, registry, out);
        if (out.length === nested) out.push({ path: at, ruleId: RULE.invalidValue, message: describe(itemError) });
      }
    }
    if (out.length === before) out.push({ path: here, ruleId: RULE.invalidValue, message: describe(error) });
  }
}

function failure(schema: DescMessage, json: JsonValue, registry: Registry): unknown {
  try {
    fromJson(schema, json, { registry });
    return undefined;
  } catch (e) {
    return e ?? new Error("unknown error");
  }
}

/** Turns protobuf-es's "cannot decode field x.Y.z from JSON: ..." into a message for API clients. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const m = /^cannot decode (field|message|enum) (\S+) from JSON: (.*)$/s.exec(text);
  if (!m) return text;
  const [, kind, name, reason] = m;
  if (kind === "enum") return `unknown value ${reason} for enum ${name}`;
  if (kind === "message") return `invalid ${name}: ${reason}`;
  return reason;
}

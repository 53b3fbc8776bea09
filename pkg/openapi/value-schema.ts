import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain JSON object. */
export type Schema = { [key: string]: unknown };

/**
 * Which JSON a schema describes. Output schemas (response bodies, the error status) mark every
 * field the gateway always writes as required: it encodes them with `alwaysEmitImplicit`. Input
 * schemas require nothing, because protobuf JSON reads a missing field as its default; neither
 * do error details, which the gateway encodes without defaults.
 */
export type Role = "input" | "output" | "detail";

/** How a field refers to a named message or enum schema (a `$ref` into components). */
export interface SchemaRefs {
  message(desc: DescMessage, role: Role): Schema;
  enum(desc: DescEnum): Schema;
}

/** Protobuf JSON of each scalar, as `toJson` writes it (64-bit integers are decimal strings). */
export function scalarSchema(type: ScalarType): Schema {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // Non-finite values have no JSON number, so protobuf JSON spells them as strings.
      return {
        anyOf: [
          { type: "number", format: type === ScalarType.DOUBLE ? "double" : "float" },
          { type: "string", enum: ["NaN", "Infinity", "-Infinity"] },
        ],
      };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", minimum: 0, maximum: 4294967295 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64", pattern: "^-?[0-9]+$" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", pattern: "^[0-9]+$", description: "unsigned 64-bit integer as a decimal string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
  }
}

/** Well-known types whose protobuf JSON is not an object of their fields. */
const WELL_KNOWN: Record<string, Schema> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time", description: "RFC 3339 timestamp in UTC, e.g. 2049-06-01T09:30:00Z" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", description: "seconds with an `s` suffix, e.g. 3600s or 0.250s" },
  "google.protobuf.FieldMask": { type: "string", description: "comma-separated field paths in lowerCamelCase" },
  "google.protobuf.Struct": { type: "object", additionalProperties: true },
  "google.protobuf.Value": {},
  "google.protobuf.ListValue": { type: "array", items: {} },
  "google.protobuf.Empty": { type: "object", additionalProperties: false },
  "google.protobuf.DoubleValue": scalarSchema(ScalarType.DOUBLE),
  "google.protobuf.FloatValue": scalarSchema(ScalarType.FLOAT),
  "google.protobuf.Int64Value": scalarSchema(ScalarType.INT64),
  "google.protobuf.UInt64Value": scalarSchema(ScalarType.UINT64),
  "google.protobuf.Int32Value": scalarSchema(ScalarType.INT32),
  "google.protobuf.UInt32Value": scalarSchema(ScalarType.UINT32),
  "google.protobuf.BoolValue": scalarSchema(ScalarType.BOOL),
  "google.protobuf.StringValue": scalarSchema(ScalarType.STRING),
  "google.protobuf.BytesValue": scalarSchema(ScalarType.BYTES),
};

/** The inline schema of a well-known type with its own JSON form, or undefined for ordinary messages (and Any). */
export function wellKnownSchema(desc: DescMessage): Schema | undefined {
  const schema = WELL_KNOWN[desc.typeName];
  return schema ? structuredClone(schema) : undefined;
}

/** A message's schema where a field uses it: inline for well-known types, else a reference. */
export function messageValueSchema(desc: DescMessage, role: Role, refs: SchemaRefs): Schema {
  return wellKnownSchema(desc) ?? refs.message(desc, role);
}

/** An enum's schema where a field uses it: `google.protobuf.NullValue` is JSON null. */
export function enumValueSchema(desc: DescEnum, refs: SchemaRefs): Schema {
  return desc.typeName === "google.protobuf.NullValue" ? { type: "null" } : refs.enum(desc);
}

/** The schema of one value of a field: lists become arrays, maps objects keyed by string. */
export function fieldValueSchema(field: DescField, role: Role, refs: SchemaRefs): Schema {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSchema(field.scalar);
    case "enum":
      return enumValueSchema(field.enum, refs);
    case "message":
      return messageValueSchema(field.message, role, refs);
    case "list":
      return { type: "array", items: elementSchema(field, role, refs) };
    case "map":
      // JSON object keys are strings whatever the proto key type (numbers and bools as text).
      return { type: "object", propertyNames: mapKeySchema(field.mapKey), additionalProperties: elementSchema(field, role, refs) };
  }
}

/** The schema of one element of a list, or one value of a map. */
function elementSchema(field: DescField & { fieldKind: "list" | "map" }, role: Role, refs: SchemaRefs): Schema {
  const kind = field.fieldKind === "list" ? field.listKind : field.mapKind;
  if (kind === "scalar") return scalarSchema(field.scalar as ScalarType);
  if (kind === "enum") return enumValueSchema(field.enum as DescEnum, refs);
  return messageValueSchema(field.message as DescMessage, role, refs);
}

function mapKeySchema(key: ScalarType): Schema {
  if (key === ScalarType.BOOL) return { enum: ["true", "false"] };
  if (key === ScalarType.STRING) return { type: "string" };
  return { type: "string", pattern: "^-?[0-9]+$" };
}

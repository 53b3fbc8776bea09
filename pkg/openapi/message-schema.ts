import type { AnyDesc, DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { fieldValueSchema, type Role, type Schema, type SchemaRefs } from "./value-schema.js";

/** Returns the documentation of a descriptor (its leading proto comment), if any. */
export type Describe = (desc: Exclude<AnyDesc, { kind: "file" }>) => string | undefined;

/** Adds `description` unless empty; a $ref may carry one since OpenAPI 3.1. */
export function withDescription(schema: Schema, description: string | undefined): Schema {
  return description ? { ...schema, description } : schema;
}

/** Options of {@link messageSchema}. */
export interface MessageSchemaOptions {
  readonly role: Role;
  readonly refs: SchemaRefs;
  readonly describe: Describe;
  /** Fields left out (a request body without the fields its URL path binds). */
  readonly omit?: ReadonlySet<DescField>;
  /** Properties put first, e.g. `@type` when the message is embedded in a google.protobuf.Any. */
  readonly extra?: { readonly properties: Record<string, Schema>; readonly required: readonly string[] };
}

/**
 * The object schema of a message in protobuf JSON: lowerCamelCase property names, no other
 * properties (the gateway rejects unknown fields and never sends any), and for output every field
 * the gateway always writes listed as required: lists, maps and fields without explicit presence
 * (it encodes with `alwaysEmitImplicit`). Message fields, `optional` scalars and oneof members
 * appear only when set.
 */
export function messageSchema(desc: DescMessage, opts: MessageSchemaOptions): Schema {
  const properties: Record<string, Schema> = { ...opts.extra?.properties };
  const required: string[] = [...(opts.extra?.required ?? [])];
  for (const field of desc.fields) {
    if (opts.omit?.has(field)) continue;
    properties[field.jsonName] = fieldSchema(field, opts);
    if (opts.role === "output" && alwaysWritten(field)) required.push(field.jsonName);
  }
  const schema: Schema = { type: "object", properties };
  if (required.length > 0) schema.required = required;
  schema.additionalProperties = false;
  return withDescription(schema, opts.describe(desc));
}

function fieldSchema(field: DescField, opts: MessageSchemaOptions): Schema {
  const notes = [opts.describe(field)];
  if (field.oneof) notes.push(`At most one of ${field.oneof.fields.map((f) => `\`${f.jsonName}\``).join(", ")} is set.`);
  const schema = withDescription(fieldValueSchema(field, opts.role, opts.refs), notes.filter(Boolean).join("\n\n"));
  return field.deprecated ? { ...schema, deprecated: true } : schema;
}

function alwaysWritten(field: DescField): boolean {
  return field.fieldKind === "list" || field.fieldKind === "map" || field.presence !== FeatureSet_FieldPresence.EXPLICIT;
}

/**
 * The schema of an enum in protobuf JSON: its value names. The gateway writes these canonical
 * names; on input it also takes numbers and short, case-insensitive forms (see the document's
 * description).
 */
export function enumSchema(desc: DescEnum, describe: Describe): Schema {
  const documented = desc.values.map((v) => [v.name, describe(v)] as const).filter(([, d]) => d);
  const lines = [describe(desc), ...documented.map(([name, d]) => `- \`${name}\`: ${d}`)].filter(Boolean);
  return withDescription({ type: "string", enum: desc.values.map((v) => v.name) }, lines.join("\n"));
}

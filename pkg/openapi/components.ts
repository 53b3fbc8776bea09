import type { DescEnum, DescMessage } from "@bufbuild/protobuf";
import { enumSchema, messageSchema, type Describe } from "./message-schema.js";
import { wellKnownSchema, type Role, type Schema, type SchemaRefs } from "./value-schema.js";

const ANY = "google.protobuf.Any";
const ROOT = "#/components/schemas/";
const SUFFIX: Record<Role, string> = { output: "", detail: "Detail", input: "Input" };

/**
 * Collects the named schemas (`components.schemas`) the operations refer to: one per message and
 * enum, named by its full proto name. A message used in more than one role gets one schema per
 * role, because they differ in what is required: `<name>` for the first of output, detail and
 * input that uses it, `<name>Detail` or `<name>Input` for the others.
 */
export interface Components {
  readonly refs: SchemaRefs;
  /** Renders every schema referred to so far (and those they refer to), sorted by name. */
  build(): Record<string, Schema>;
}

/** Options of {@link createComponents}. */
export interface ComponentsOptions {
  readonly describe: Describe;
  /** Messages used in responses (outputs, response bodies, the error status). */
  readonly outputRoots: readonly DescMessage[];
  /** Message types that may appear in a google.protobuf.Any (error details): validated by `@type`. */
  readonly anyTypes: readonly DescMessage[];
}

/** Creates the schema collection (see {@link Components}); nothing is rendered before `build()`. */
export function createComponents(opts: ComponentsOptions): Components {
  const outputs = reachable(opts.outputRoots);
  const details = reachable(opts.anyTypes);
  const nameOf = (desc: DescMessage, role: Role): string => {
    const primary: Role = outputs.has(desc) ? "output" : details.has(desc) ? "detail" : "input";
    return role === primary ? desc.typeName : `${desc.typeName}${SUFFIX[role]}`;
  };
  const known = new Set<string>();
  const pending = new Map<string, () => Schema>();
  const built = new Map<string, Schema>();
  const want = (name: string, render: () => Schema): Schema => {
    if (!known.has(name)) {
      known.add(name);
      pending.set(name, render);
    }
    return { $ref: ROOT + name };
  };

  const refs: SchemaRefs = {
    message(desc, role) {
      if (desc.typeName === ANY) return want(ANY, anySchema);
      return want(nameOf(desc, role), () => messageSchema(desc, { role, refs, describe: opts.describe }));
    },
    enum(desc: DescEnum) {
      return want(desc.typeName, () => enumSchema(desc, opts.describe));
    },
  };

  /**
   * google.protobuf.Any in protobuf JSON: `@type` plus the fields of the packed message (or
   * `value` for well-known types). Each known type is checked against its own fields.
   */
  const anySchema = (): Schema => ({
    type: "object",
    description: "A message of any type, named by `@type` (type.googleapis.com/<full proto name>), with that message's fields beside it.",
    properties: { "@type": { type: "string" } },
    required: ["@type"],
    additionalProperties: true,
    allOf: opts.anyTypes.map((desc) => {
      const typeUrl = `type.googleapis.com/${desc.typeName}`;
      const extra = { properties: { "@type": { const: typeUrl } }, required: ["@type"] };
      const wkt = wellKnownSchema(desc);
      const then = wkt
        ? { type: "object", properties: { ...extra.properties, value: wkt }, required: ["@type", "value"], additionalProperties: false }
        : messageSchema(desc, { role: "detail", refs, describe: () => undefined, extra });
      return { if: { properties: { "@type": { const: typeUrl } }, required: ["@type"] }, then };
    }),
  });

  return {
    refs,
    build() {
      while (pending.size > 0) {
        const [name, render] = pending.entries().next().value as [string, () => Schema];
        pending.delete(name);
        built.set(name, render());
      }
      return Object.fromEntries([...built.entries()].sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}

/** Every message reachable from `roots` through fields (lists, maps and nested messages included). */
function reachable(roots: readonly DescMessage[]): Set<DescMessage> {
  const seen = new Set<DescMessage>();
  const visit = (desc: DescMessage): void => {
    if (seen.has(desc)) return;
    seen.add(desc);
    for (const field of desc.fields) {
      const next = field.fieldKind === "message" ? field.message : field.fieldKind === "list" || field.fieldKind === "map" ? field.message : undefined;
      if (next) visit(next);
    }
  };
  roots.forEach(visit);
  return seen;
}

/**
 * Prints proto source from an embedded protobuf-es file descriptor.
 *
 * No npm package ships protovalidate's `buf/validate/validate.proto`, and the BSR is not
 * reachable from our machines, so we print it from the descriptor embedded in
 * `@bufbuild/protovalidate`. The output compiles with buf to a descriptor identical to the
 * embedded one (checked when the stack was chosen); only comments are lost.
 */
import type { DescEnum, DescExtension, DescFile, DescMessage } from "@bufbuild/protobuf";
import { getOption, hasOption, isFieldSet } from "@bufbuild/protobuf";
import { toText } from "@bufbuild/protobuf/txtpb";
import {
  type FieldDescriptorProto,
  FieldDescriptorProtoSchema,
  FileOptionsSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as T,
} from "@bufbuild/protobuf/wkt";

const SCALAR: Partial<Record<T, string>> = {
  [T.DOUBLE]: "double",
  [T.FLOAT]: "float",
  [T.INT64]: "int64",
  [T.UINT64]: "uint64",
  [T.INT32]: "int32",
  [T.FIXED64]: "fixed64",
  [T.FIXED32]: "fixed32",
  [T.BOOL]: "bool",
  [T.STRING]: "string",
  [T.BYTES]: "bytes",
  [T.UINT32]: "uint32",
  [T.SFIXED32]: "sfixed32",
  [T.SFIXED64]: "sfixed64",
  [T.SINT32]: "sint32",
  [T.SINT64]: "sint64",
};
const MAX = 536870912; // exclusive end of "N to max"
const q = (s: string) => JSON.stringify(s); // JSON escapes are valid proto string escapes

export function descriptorToProto(file: DescFile, header = ""): string {
  const exts = file.extensions.filter((e) => e.extendee.typeName === "google.protobuf.FieldOptions");
  const p = file.proto;
  const out: string[] = header ? [header.trimEnd(), ""] : [];
  if (file.edition === 998) out.push('syntax = "proto2";');
  else if (file.edition === 999) out.push('syntax = "proto3";');
  else throw new Error("editions not supported");
  out.push("", `package ${p.package};`, "", ...p.dependency.map((d) => `import ${q(d)};`), "");
  if (p.options) {
    for (const f of FileOptionsSchema.fields) {
      if (!isFieldSet(p.options, f)) continue;
      if (f.fieldKind !== "scalar") throw new Error(`file option ${f.name} not supported`);
      const v = (p.options as unknown as Record<string, unknown>)[f.localName];
      out.push(`option ${f.name} = ${typeof v === "string" ? q(v) : String(v)};`);
    }
    if (p.options.$unknown?.length) throw new Error("custom file options not supported");
    out.push("");
  }
  const byExtendee = new Map<string, DescExtension[]>(); // Map.groupBy needs Node 21+
  for (const e of file.extensions) byExtendee.set(e.extendee.typeName, [...(byExtendee.get(e.extendee.typeName) ?? []), e]);
  for (const [extendee, list] of byExtendee) {
    out.push(`extend .${extendee} {`, ...list.map((e) => `  ${field(e.proto, [], false)}`), "}", "");
  }
  for (const m of file.messages) out.push(...message(m, exts, ""), "");
  for (const e of file.enums) out.push(...enumeration(e, ""), "");
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function field(fd: FieldDescriptorProto, opts: string[], inOneof: boolean): string {
  const label = inOneof ? "" : fd.label === Label.REPEATED ? "repeated " : fd.label === Label.REQUIRED ? "required " : "optional ";
  if (fd.type === T.GROUP) throw new Error("groups not supported");
  let all = opts;
  if (fd.defaultValue) all = [`default = ${fd.type === T.STRING || fd.type === T.BYTES ? q(fd.defaultValue) : fd.defaultValue}`, ...opts];
  const o = all.length ? ` [\n${all.map((x) => x.replace(/^/gm, "  ")).join(",\n")}\n]` : "";
  return `${label}${SCALAR[fd.type] ?? fd.typeName} ${fd.name} = ${fd.number}${o};`;
}

// [(buf.validate.predefined).cel = { id: ... expression: ... }], one entry per list element
function fieldOptions(m: DescMessage, fd: FieldDescriptorProto, exts: DescExtension[]): string[] {
  const o = fd.options;
  if (!o) return [];
  if (Object.entries(o).some(([k, v]) => !k.startsWith("$") && v !== undefined && !(Array.isArray(v) && !v.length)))
    throw new Error(`plain field options not supported: ${m.typeName}.${fd.name}`);
  const desc = m.fields.find((f) => f.number === fd.number);
  if (!desc) throw new Error(`field ${fd.name} not found`);
  const res: string[] = [];
  for (const ext of exts) {
    if (!hasOption(desc, ext)) continue;
    if (ext.fieldKind !== "message") throw new Error("only message-typed option extensions supported");
    const val = getOption(desc, ext) as Record<string, unknown>;
    for (const sub of ext.message.fields) {
      if (!isFieldSet(val as never, sub)) continue;
      if (sub.fieldKind !== "list" || sub.listKind !== "message") throw new Error("unsupported option shape");
      for (const item of val[sub.localName] as never[]) {
        const body = toText(sub.message, item)
          .trimEnd()
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n");
        res.push(`(${ext.typeName}).${sub.name} = {\n${body}\n}`);
      }
    }
  }
  return res;
}

const ranges = (rs: { start: number; end: number }[]) =>
  rs.map((r) => (r.end === MAX ? `${r.start} to max` : r.end - 1 === r.start ? `${r.start}` : `${r.start} to ${r.end - 1}`)).join(", ");
const indent = (lines: string[], ind: string) =>
  lines.map((l) =>
    l
      .split("\n")
      .map((x) => ind + x)
      .join("\n"),
  );

function message(m: DescMessage, exts: DescExtension[], ind: string): string[] {
  const p = m.proto;
  if (p.options && Object.keys(p.options).some((k) => !k.startsWith("$"))) throw new Error("message options not supported");
  const body: string[] = [];
  if (p.reservedRange.length) body.push(`reserved ${ranges(p.reservedRange)};`);
  if (p.reservedName.length) body.push(`reserved ${p.reservedName.map(q).join(", ")};`);
  let open: number | undefined;
  for (const fd of p.field) {
    // proto2 presence: unset optional fields read as their default (0), so ask isFieldSet
    const oneof = isFieldSet(fd, FieldDescriptorProtoSchema.field.oneofIndex) && !fd.proto3Optional ? fd.oneofIndex : undefined;
    if (open !== undefined && oneof !== open) {
      body.push("}");
      open = undefined;
    }
    if (oneof !== undefined && open === undefined) {
      open = oneof;
      body.push(`oneof ${p.oneofDecl[oneof].name} {`);
    }
    const line = field(fd, fieldOptions(m, fd, exts), oneof !== undefined);
    body.push(...(oneof !== undefined ? indent([line], "  ") : [line]));
  }
  if (open !== undefined) body.push("}");
  for (const n of m.nestedMessages) body.push(...message(n, exts, ""));
  for (const e of m.nestedEnums) body.push(...enumeration(e, ""));
  for (const er of p.extensionRange) body.push(`extensions ${ranges([er])};`);
  return [`${ind}message ${m.name} {`, ...indent(body, `${ind}  `), `${ind}}`];
}

function enumeration(e: DescEnum, ind: string): string[] {
  const p = e.proto;
  const body: string[] = [];
  // EnumReservedRange.end is inclusive (unlike DescriptorProto.ReservedRange)
  if (p.reservedRange.length) body.push(`reserved ${ranges(p.reservedRange.map((r) => ({ start: r.start, end: r.end + 1 })))};`);
  if (p.reservedName.length) body.push(`reserved ${p.reservedName.map(q).join(", ")};`);
  body.push(...p.value.map((v) => `${v.name} = ${v.number};`));
  return [`${ind}enum ${e.name} {`, ...indent(body, `${ind}  `), `${ind}}`];
}

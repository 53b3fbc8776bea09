import { createRegistry, toBinary, type DescExtension, type DescFile, type DescService, type Registry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/**
 * The schema a reflection server can describe: every file of the given services plus all their
 * transitive imports (well-known types, google/api, buf/validate...), taken from the descriptors
 * protobuf-es embeds in generated code. No .proto files or descriptor sets are read at runtime.
 */
export interface DescriptorIndex {
  /** Fully-qualified names of the services, sorted. */
  readonly serviceNames: readonly string[];
  /** The file with this path (`spacet/v1/booking.proto`). */
  fileByName(name: string): DescFile | undefined;
  /** The file declaring a message, enum, service, extension, method (`pkg.Svc.Method`) or field. */
  fileContainingSymbol(symbol: string): DescFile | undefined;
  /** The file declaring extension `number` of message `containingType`. */
  fileContainingExtension(containingType: string, number: number): DescFile | undefined;
  /** Extension numbers of a message, or undefined when the message is not known. */
  extensionNumbersOf(typeName: string): number[] | undefined;
  /** Serialized FileDescriptorProto of `file` and its transitive imports, skipping names in `sent`. */
  serialize(file: DescFile, sent: Set<string>): Uint8Array[];
}

/** Builds the index; deduplicates files by path, so one file shared by several services is one entry. */
export function createDescriptorIndex(services: readonly DescService[]): DescriptorIndex {
  const files = new Map<string, DescFile>();
  const addFile = (file: DescFile): void => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    file.dependencies.forEach(addFile);
  };
  services.forEach((s) => addFile(s.file));
  const registry: Registry = createRegistry(...files.values());
  const bytes = new Map<string, Uint8Array>();
  const extensions = [...registry].filter((t): t is DescExtension => t.kind === "extension");

  return {
    serviceNames: [...new Set(services.map((s) => s.typeName))].sort(),
    fileByName: (name) => files.get(name),
    fileContainingSymbol(symbol) {
      const direct = registry.get(symbol);
      if (direct) return direct.file;
      const dot = symbol.lastIndexOf(".");
      const parent = dot > 0 ? registry.get(symbol.slice(0, dot)) : undefined;
      const member = symbol.slice(dot + 1);
      if (parent?.kind === "service" && parent.methods.some((m) => m.name === member)) return parent.file;
      if (parent?.kind === "message" && parent.fields.some((f) => f.name === member)) return parent.file;
      return undefined;
    },
    fileContainingExtension(containingType, number) {
      const message = registry.getMessage(containingType);
      return message ? registry.getExtensionFor(message, number)?.file : undefined;
    },
    extensionNumbersOf(typeName) {
      if (!registry.getMessage(typeName)) return undefined;
      return extensions
        .filter((e) => e.extendee.typeName === typeName)
        .map((e) => e.number)
        .sort((a, b) => a - b);
    },
    serialize(file, sent) {
      const out: Uint8Array[] = [];
      const walk = (f: DescFile, requested: boolean): void => {
        // The requested file is always sent; imports only once per stream, as grpc-go does.
        if (!requested && sent.has(f.proto.name)) return;
        sent.add(f.proto.name);
        let data = bytes.get(f.proto.name);
        if (!data) {
          data = toBinary(FileDescriptorProtoSchema, f.proto);
          bytes.set(f.proto.name, data);
        }
        out.push(data);
        f.dependencies.forEach((d) => walk(d, false));
      };
      walk(file, true);
      return out;
    },
  };
}

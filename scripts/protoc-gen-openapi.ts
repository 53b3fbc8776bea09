/**
 * protoc-gen-openapi: a protoc/buf plugin that writes one OpenAPI 3.1 document (`openapi.json`)
 * for the REST routes of every service in the files to generate (pkg/openapi does the work; this
 * file only speaks the plugin protocol). buf.gen.yaml runs it as a `local` plugin.
 *
 * Options (comma-separated `key=value`):
 * - `title=<text>`, `version=<text>`: the document's info (required).
 * - `error_detail=<full message name>`: a type the API puts into error details (repeatable).
 *
 * It reads every descriptor from the request, never from generated code: buf deletes the output
 * directories (gen/) before it runs the plugins.
 */
import { create, createFileRegistry, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { CodeGeneratorResponse_Feature, CodeGeneratorResponseSchema, FileDescriptorSetSchema, type CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import { getComments, runNodeJs, type Plugin } from "@bufbuild/protoplugin";
import { buildOpenApiDocument } from "../pkg/openapi/document.js";

const OUTPUT = "openapi.json";

interface Options {
  title: string;
  version: string;
  errorDetails: string[];
}

function parseOptions(parameter: string): Options {
  const options: Options = { title: "", version: "", errorDetails: [] };
  for (const pair of parameter.split(",").filter(Boolean)) {
    const [key, value = ""] = pair.split("=", 2);
    if (key === "title") options.title = value;
    else if (key === "version") options.version = value;
    else if (key === "error_detail") options.errorDetails.push(value);
    else throw new Error(`protoc-gen-openapi: unknown option "${key}"`);
  }
  if (!options.title || !options.version) throw new Error("protoc-gen-openapi: the options title=... and version=... are required");
  return options;
}

const plugin: Plugin = {
  name: "protoc-gen-openapi",
  version: "v1",
  run(request: CodeGeneratorRequest) {
    const options = parseOptions(request.parameter);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
    const message = (typeName: string): DescMessage => {
      const desc = registry.getMessage(typeName);
      if (!desc) throw new Error(`protoc-gen-openapi: ${typeName} is not among the request's files (import it from a generated file)`);
      return desc;
    };
    const services: DescService[] = request.fileToGenerate.flatMap((name) => registry.getFile(name)?.services ?? []);
    const { document, skipped } = buildOpenApiDocument({
      services,
      title: options.title,
      version: options.version,
      errorStatus: message("google.rpc.Status"),
      errorDetails: options.errorDetails.map(message),
      describe: (desc) => paragraphs(getComments(desc).leading),
    });
    for (const binding of skipped) process.stderr.write(`protoc-gen-openapi: ${binding}: OpenAPI has no such HTTP method; left out\n`);
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: [{ name: OUTPUT, content: `${JSON.stringify(document, null, 2)}\n` }],
    });
  },
};

/** A proto comment as Markdown: its wrapped lines joined, paragraphs kept. */
function paragraphs(comment: string | undefined): string | undefined {
  const text = (comment ?? "")
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, " "))
    .join("\n\n");
  return text || undefined;
}

runNodeJs(plugin);

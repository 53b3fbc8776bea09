/**
 * protoc-gen-openapi: a protoc/buf plugin that writes one OpenAPI 3.1 document (`openapi.json`)
 * for the REST routes of every service in the files to generate (pkg/openapi does the work; this
 * file only speaks the plugin protocol). buf.gen.yaml runs it as a `local` plugin.
 *
 * Options (comma-separated `key=value`):
 * - `title=<text>`, `version=<text>`: the document's info (required).
 * - `error_detail=<full message name>`: a type the API puts into error details (repeatable).
 * - `access=<full extension name>`: a method option `{ public: bool, role: <enum> }` saying who may
 *   call it; methods that are not public get the bearer-token requirement.
 *
 * It reads every descriptor from the request, never from generated code: buf deletes the output
 * directories (gen/) before it runs the plugins.
 */
import {
  create,
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  type DescMethod,
  type DescService,
  getOption,
  hasOption,
  type JsonObject,
  toJson,
} from "@bufbuild/protobuf";
import { CodeGeneratorResponse_Feature, CodeGeneratorResponseSchema, FileDescriptorSetSchema, type CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import { getComments, runNodeJs, type Plugin } from "@bufbuild/protoplugin";
import { buildOpenApiDocument } from "../pkg/openapi/document.js";
import type { Access } from "../pkg/openapi/security.js";

const OUTPUT = "openapi.json";

interface Options {
  title: string;
  version: string;
  errorDetails: string[];
  access: string | undefined;
}

function parseOptions(parameter: string): Options {
  const options: Options = { title: "", version: "", errorDetails: [], access: undefined };
  for (const pair of parameter.split(",").filter(Boolean)) {
    const [key, value = ""] = pair.split("=", 2);
    if (key === "title") options.title = value;
    else if (key === "version") options.version = value;
    else if (key === "error_detail") options.errorDetails.push(value);
    else if (key === "access") options.access = value;
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
    const accessExtension = options.access === undefined ? undefined : registry.getExtension(options.access);
    if (options.access !== undefined && !accessExtension) throw new Error(`protoc-gen-openapi: no extension ${options.access} among the request's files`);
    const services: DescService[] = request.fileToGenerate.flatMap((name) => registry.getFile(name)?.services ?? []);
    const { document, skipped } = buildOpenApiDocument({
      services,
      title: options.title,
      version: options.version,
      errorStatus: message("google.rpc.Status"),
      errorDetails: options.errorDetails.map(message),
      describe: (desc) => paragraphs(getComments(desc).leading),
      access: accessExtension && ((method) => accessOf(method, accessExtension)),
    });
    for (const binding of skipped) process.stderr.write(`protoc-gen-openapi: ${binding}: OpenAPI has no such HTTP method; left out\n`);
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: [{ name: OUTPUT, content: `${JSON.stringify(document, null, 2)}\n` }],
    });
  },
};

/** The method's access option as an Access: `{public: true}`, or the least role a token must carry. */
function accessOf(method: DescMethod, extension: DescExtension): Access | undefined {
  if (!hasOption(method, extension)) return undefined;
  const json = toJson(extension.message as DescMessage, getOption(method, extension) as never) as JsonObject;
  return json.public === true ? { public: true } : { bearer: `role ${String(json.role)}` };
}

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

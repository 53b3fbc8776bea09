import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with a default export; under NodeNext its callable is `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Validates values against the schemas of an OpenAPI 3.1 document, addressed by JSON pointer. */
export interface DocumentValidator {
  /** Errors of `value` against the schema at `pointer` (e.g. `/components/schemas/x.Book`); empty when valid. */
  errors(pointer: string, value: unknown): string[];
  /** The response schema pointer of an operation for a status: the exact status, else `default`. */
  responsePointer(path: string, method: string, status: number): string;
}

/**
 * An independent check of the document: Ajv's JSON Schema 2020-12 (OpenAPI 3.1's dialect) with
 * the formats OpenAPI uses. Strict mode rejects unknown keywords inside schemas, so a misspelt
 * keyword in the generator fails instead of being silently ignored.
 */
export function createDocumentValidator(document: Record<string, unknown>): DocumentValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // The document's top level is not a schema: declare its keys so strict mode accepts them.
  ajv.addVocabulary(["openapi", "info", "servers", "security", "tags", "paths", "components"]);
  ajv.addSchema({ ...document, $id: "openapi.json" });
  const escapePointer = (s: string): string => s.replace(/~/g, "~0").replace(/\//g, "~1");
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
  return {
    errors(pointer, value) {
      const validate = ajv.getSchema(`openapi.json#${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      if (validate(value)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    },
    responsePointer(path, method, status) {
      const operation = paths[path]?.[method.toLowerCase()];
      if (!operation) throw new Error(`the document has no ${method} ${path}`);
      const key = String(status) in operation.responses ? String(status) : "default";
      const response = operation.responses[key];
      const base = response.$ref ? response.$ref.slice(1) : `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${key}`;
      return `${base}/content/application~1json/schema`;
    },
  };
}

import type { DescMessage, DescService } from "@bufbuild/protobuf";
import { readHttpRoutes, type HttpRoute } from "../http-rules/index.js";
import { createComponents } from "./components.js";
import type { Describe } from "./message-schema.js";
import { pathParameters, queryParameters, requestBodySchema, responseBodySchema } from "./parameters.js";
import { type AccessOf, authResponses, BEARER_SCHEMES, protectedOperation } from "./security.js";

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** Services whose `google.api.http` annotations become paths. */
  readonly services: readonly DescService[];
  readonly title: string;
  readonly version: string;
  /** The body of every error answer: google.rpc.Status (`{code, message, details}`). */
  readonly errorStatus: DescMessage;
  /** Message types that may appear in an error's `details`, each validated by its `@type`. */
  readonly errorDetails?: readonly DescMessage[];
  /** Proto comments, if the caller has source info; they become descriptions. */
  readonly describe?: Describe;
  /** Who may call each method; protected operations get the bearer requirement and 401/403 answers. */
  readonly access?: AccessOf;
}

/** The document and the bindings it could not describe. */
export interface OpenApiResult {
  readonly document: Record<string, unknown>;
  /** `custom` bindings whose HTTP method OpenAPI has no field for, e.g. "ARCHIVE /v1/{name=shelves/*}". */
  readonly skipped: readonly string[];
}

const OPENAPI_METHODS = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);

const CONVENTIONS = `Generated from the protos' \`google.api.http\` annotations; the REST gateway serves exactly these routes.

- Bodies are protobuf JSON: lowerCamelCase names (proto names are accepted too), 64-bit integers as decimal strings, timestamps as RFC 3339 strings, durations as \`<seconds>s\`. Every field that has no explicit presence is always written, with its default value.
- Enums are written as their full value names (\`GENDER_FEMALE\`). On input the gateway also accepts the numbers and short, case-insensitive forms: \`female\`, \`Asteroid belt\`, \`asteroid-belt\`.
- Unknown fields and unknown query parameters are rejected with 400.
- Errors answer \`{code, message, details}\` (google.rpc.Status with a numeric gRPC code) and the HTTP status of the code: 400 INVALID_ARGUMENT, FAILED_PRECONDITION and OUT_OF_RANGE; 401 UNAUTHENTICATED; 403 PERMISSION_DENIED; 404 NOT_FOUND; 405 for a known path with another method; 409 ALREADY_EXISTS and ABORTED; 415 for a non-JSON body; 429 RESOURCE_EXHAUSTED; 499 CANCELLED; 501 UNIMPLEMENTED; 503 UNAVAILABLE; 504 DEADLINE_EXCEEDED; 500 for anything unexpected ("internal error", no details).`;

/**
 * Builds an OpenAPI 3.1 document describing the REST routes that pkg/http-transcoder serves for
 * `services`: the same annotation walker (readHttpRoutes), the same request binding (body, then
 * path, then query for the remaining fields) and the JSON the gateway writes.
 */
export function buildOpenApiDocument(opts: OpenApiOptions): OpenApiResult {
  const describe: Describe = opts.describe ?? (() => undefined);
  const routes = readHttpRoutes(opts.services);
  const outputRoots = routes.flatMap((r) => {
    if (!r.responseBody) return [r.method.output];
    return r.responseBody.fieldKind === "scalar" || r.responseBody.fieldKind === "enum" ? [] : [r.responseBody.message].filter((m) => m !== undefined);
  });
  const components = createComponents({ describe, outputRoots: [...outputRoots, opts.errorStatus], anyTypes: opts.errorDetails ?? [] });
  const { refs } = components;

  const paths: Record<string, Record<string, unknown>> = {};
  let anyProtected = false;
  const skipped: string[] = [];
  const bindingsSeen = new Map<string, number>();
  const placeholders = createPathPlaceholders();
  for (const route of routes) {
    const methodName = `${route.method.parent.name}_${route.method.name}`;
    const binding = (bindingsSeen.get(methodName) ?? 0) + 1;
    bindingsSeen.set(methodName, binding);
    if (!OPENAPI_METHODS.has(route.httpMethod)) {
      skipped.push(`${route.httpMethod} ${route.path.template}`);
      continue;
    }
    const { path, names } = placeholders.place(route);
    const item = (paths[path] ??= {});
    const verb = route.httpMethod.toLowerCase();
    if (item[verb]) throw new Error(`${route.httpMethod} ${path} is bound twice (${route.method.parent.typeName}.${route.method.name})`);
    item[verb] = operation(route, binding === 1 ? methodName : `${methodName}${binding}`, binding, names);
  }

  function operation(route: HttpRoute, operationId: string, binding: number, names: readonly string[]): Record<string, unknown> {
    const parameters = [...pathParameters(route, names, refs, describe), ...queryParameters(route, refs, describe)];
    const body = requestBodySchema(route, refs, describe);
    const summary = binding === 1 ? route.method.name : `${route.method.name} (binding ${binding})`;
    const op: Record<string, unknown> = { operationId, summary, tags: [route.method.parent.typeName] };
    const secured = protectedOperation(opts.access?.(route.method));
    if (secured) anyProtected = true;
    const description = [describe(route.method), secured?.note].filter(Boolean).join("\n\n");
    if (description) op.description = description;
    if (secured) op.security = secured.security;
    if (route.method.deprecated) op.deprecated = true;
    if (parameters.length > 0) op.parameters = parameters;
    if (body) op.requestBody = { content: { "application/json": { schema: body } } };
    op.responses = {
      "200": { description: "OK", content: { "application/json": { schema: responseBodySchema(route, refs) } } },
      // Every route can answer 400: the transcoder and validation reject bad input on all of them.
      "400": { $ref: "#/components/responses/BadRequest" },
      ...secured?.responses,
      default: { $ref: "#/components/responses/Error" },
    };
    return op;
  }

  const errorSchema = refs.message(opts.errorStatus, "output");
  const services = [...new Set(routes.map((r) => r.method.parent))];
  const document = {
    openapi: "3.1.0",
    info: { title: opts.title, version: opts.version, description: CONVENTIONS },
    // Relative: the service that serves this document at /openapi.json serves the API too.
    servers: [{ url: "/" }],
    // No requirement unless an operation states one (public operations need no token).
    security: [],
    tags: services.map((s) => ({ name: s.typeName, description: describe(s) ?? `The REST routes of the gRPC service ${s.typeName}.` })),
    paths,
    components: {
      schemas: components.build(),
      ...(anyProtected ? { securitySchemes: BEARER_SCHEMES } : {}),
      responses: {
        BadRequest: {
          description:
            "Bad input (INVALID_ARGUMENT, with a buf.validate.Violations detail naming each field) or a broken business rule (FAILED_PRECONDITION, with a google.rpc.ErrorInfo reason).",
          content: { "application/json": { schema: errorSchema } },
        },
        Error: {
          description: "An error: the numeric gRPC status code, a message and typed details.",
          content: { "application/json": { schema: errorSchema } },
        },
        ...(anyProtected ? authResponses(errorSchema) : {}),
      },
    },
  };
  return { document, skipped };
}

/**
 * OpenAPI paths name their variables only (`/v1/{name}`), so `GET /v1/{name=shelves/*}` and
 * `PATCH /v1/{book.name=shelves/*}` (the usual Get/Update pair) would be two paths that differ
 * only by a parameter name, which OpenAPI forbids. Routes whose paths differ only by their
 * names share the first one's path and placeholder names; each operation says which field its
 * placeholder sets.
 */
function createPathPlaceholders() {
  const byShape = new Map<string, { path: string; names: string[] }>();
  return {
    place(route: HttpRoute): { path: string; names: readonly string[] } {
      const own = route.path.variables.map((v) => v.fieldPath.join("."));
      let i = 0;
      const path = route.path.template.replace(/\{[^}]*\}/g, () => `{${own[i++]}}`);
      const shape = route.path.template.replace(/\{[^}]*\}/g, "{}");
      const first = byShape.get(shape) ?? { path, names: own };
      byShape.set(shape, first);
      return first;
    },
  };
}

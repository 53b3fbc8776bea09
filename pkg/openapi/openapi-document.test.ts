import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { createValidateInterceptor } from "@connectrpc/validate";
import { ErrorInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { createHttpTranscoder } from "../http-transcoder/index.js";
import { LibraryService, libraryRoutes } from "../http-transcoder/testdata/library.js";
import { serveWithTranscoder, type TestServer } from "../http-transcoder/testdata/serve.js";
import { buildOpenApiDocument } from "./document.js";
import { redoclyLint } from "./testdata/redocly-lint.js";
import { createDocumentValidator } from "./testdata/schema-validator.js";

/**
 * The generator against the synthetic test.library.v1.LibraryService (pkg/http-transcoder's
 * fixture), which uses every google.api.http feature: the document must pass a real OpenAPI
 * linter and describe what the transcoder really binds and answers.
 */
const { document, skipped } = buildOpenApiDocument({
  services: [LibraryService],
  title: "Library",
  version: "test",
  errorStatus: StatusSchema,
  errorDetails: [ErrorInfoSchema, ViolationsSchema],
  // Reading is public, writing needs a token.
  access: (method) => (method.name.startsWith("Get") || method.name.startsWith("List") ? { public: true } : { bearer: "role ROLE_EDITOR" }),
});
const paths = document.paths as Record<string, Record<string, any>>;
const schemas = (document.components as { schemas: Record<string, any> }).schemas;
const validator = createDocumentValidator(document);

describe("OpenAPI document of the library fixture", () => {
  it("passes Redocly's recommended rules; only multi-segment variables make paths ambiguous", async () => {
    const result = await redoclyLint(document);
    // `/v1/{parent}/books` (parent=shelves/*) and `/v1/files/{path}` overlap once a placeholder
    // may hold a slash: OpenAPI cannot say it may not. The transcoder picks the more specific.
    const problems = result.problems as { ruleId: string; message: string }[];
    assert.deepEqual(
      problems.map((p) => `${p.ruleId}: ${p.message}`),
      ["no-ambiguous-paths: Paths should resolve unambiguously. Found two ambiguous paths: `/v1/{parent}/books` and `/v1/files/{path}`."],
    );
    assert.equal(result.totals.errors, 0);
  });

  it("has one operation per binding; custom methods OpenAPI cannot name are left out and reported", () => {
    const operations = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`));
    assert.deepEqual(operations.sort(), [
      "GET /v1/files/{path}",
      "GET /v1/shelves/special/books/latest",
      "GET /v1/{name}",
      "GET /v1/{parent}/books",
      "PATCH /v1/{name}",
      "PUT /v1/books",
    ]);
    assert.deepEqual(skipped, ["ARCHIVE /v1/{name=shelves/*}"]);
    assert.equal(paths["/v1/{name}"].get.operationId, "LibraryService_GetBook");
  });

  it("binds path, body and query as the transcoder does", () => {
    const names = (op: any, where: string) => (op.parameters ?? []).filter((p: any) => p.in === where).map((p: any) => p.name);
    const list = paths["/v1/{parent}/books"].get;
    assert.deepEqual(names(list, "path"), ["parent"]);
    // Nested messages through dotted JSON names; the map `labels` cannot be set from a query.
    assert.deepEqual(names(list, "query"), ["pageSize", "genres", "author.name", "author.favoriteGenre", "available", "publishedAfter"]);
    assert.deepEqual(list.parameters.find((p: any) => p.name === "genres").schema, {
      type: "array",
      items: { $ref: "#/components/schemas/test.library.v1.Genre" },
    });
    assert.match(list.parameters.find((p: any) => p.name === "parent").description, /Matches `shelves\/\*` \(may contain `\/`\)/);
    assert.equal(list.requestBody, undefined);

    // Get and Update share one OpenAPI path: its placeholder says which field it sets.
    const update = paths["/v1/{name}"].patch;
    assert.deepEqual(names(update, "path"), ["name"]);
    assert.match(update.parameters[0].description, /Sets `book.name`/);
    assert.deepEqual(names(update, "query"), ["allowMissing"], "the body field `book` and its bound name are not query parameters");
    assert.deepEqual(update.requestBody.content["application/json"].schema, { $ref: "#/components/schemas/test.library.v1.BookInput" });
    assert.deepEqual(names(paths["/v1/books"].put, "query"), [], 'a body: "*" route takes no query parameter');
  });

  it("puts the bearer requirement and the 401/403 answers on protected operations only", () => {
    const update = paths["/v1/{name}"].patch;
    assert.deepEqual(update.security, [{ bearerAuth: [] }]);
    assert.deepEqual(Object.keys(update.responses), ["200", "400", "401", "403", "default"]);
    assert.match(update.description, /Requires a bearer token with role ROLE_EDITOR/);
    assert.equal(paths["/v1/{name}"].get.security, undefined, "public: the document's empty default applies");
    assert.deepEqual(Object.keys(paths["/v1/{name}"].get.responses), ["200", "400", "default"]);
    assert.deepEqual((document.components as any).securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description: "`authorization: Bearer <accessToken>` (log in for one).",
    });
  });

  it("requires what the gateway always writes, and nothing on input", () => {
    const book = schemas["test.library.v1.Book"];
    assert.deepEqual(book.required, ["name", "title", "genre", "tags", "coauthors", "ratings", "pages", "available", "price"]);
    assert.equal(book.additionalProperties, false);
    assert.deepEqual(book.properties.pages, { type: "string", format: "int64", pattern: "^-?[0-9]+$" });
    assert.equal(book.properties.publishTime.format, "date-time");
    assert.equal(schemas["test.library.v1.BookInput"].required, undefined);
    assert.deepEqual(schemas["test.library.v1.Genre"].enum, ["GENRE_UNSPECIFIED", "GENRE_SCIENCE_FICTION", "GENRE_POETRY"]);
  });

  describe("real answers of the transcoder", () => {
    let server: TestServer;
    before(async () => {
      const interceptors = [createValidateInterceptor()];
      const rest = createHttpTranscoder({ services: [LibraryService], routes: libraryRoutes, interceptors, lenientEnums: true });
      server = await serveWithTranscoder(rest, libraryRoutes, interceptors);
    });
    after(() => server.close());

    const cases: { name: string; method: string; url: string; path: string; body?: unknown; status: number }[] = [
      { name: "a multi-segment path variable", method: "GET", url: "/v1/shelves/s1/books/b1", path: "/v1/{name}", status: 200 },
      { name: "a `**` variable", method: "GET", url: "/v1/files/a/b/c.txt", path: "/v1/files/{path}", status: 200 },
      {
        name: "a response_body list with nested messages, enums, int64 and timestamps",
        method: "GET",
        url: "/v1/shelves/s1/books?genres=GENRE_POETRY&author.name=Ann&author.favoriteGenre=GENRE_POETRY&available=true&publishedAfter=2049-01-02T03:04:05Z",
        path: "/v1/{parent}/books",
        status: 200,
      },
      {
        name: 'a body: "*" with every field set',
        method: "PUT",
        url: "/v1/books",
        path: "/v1/books",
        body: {
          name: "b",
          title: "T",
          genre: "GENRE_POETRY",
          tags: ["GENRE_SCIENCE_FICTION"],
          author: { name: "Ann", favoriteGenre: "GENRE_POETRY" },
          coauthors: [{ name: "Bob" }],
          ratings: { alice: "GENRE_POETRY" },
          pages: "12345678901234",
          available: true,
          publishTime: "2049-01-02T03:04:05.500Z",
          price: 12.5,
        },
        status: 200,
      },
      { name: 'an empty body: "*" (defaults written)', method: "PUT", url: "/v1/books", path: "/v1/books", body: {}, status: 200 },
      { name: "a body field", method: "PATCH", url: "/v1/shelves/s/books/b?allowMissing=true", path: "/v1/{name}", body: { title: "T" }, status: 200 },
      { name: "an unknown query parameter", method: "GET", url: "/v1/shelves/s1/books?nope=1", path: "/v1/{parent}/books", status: 400 },
      { name: "a wrongly typed body field", method: "PUT", url: "/v1/books", path: "/v1/books", body: { pages: "many" }, status: 400 },
      { name: "a non-JSON content type", method: "PUT", url: "/v1/books", path: "/v1/books", body: "x", status: 415 },
    ];
    for (const c of cases) {
      it(`${c.method} ${c.name}: ${c.status}`, async () => {
        const json = typeof c.body !== "string";
        const res = await fetch(server.url + c.url, {
          method: c.method,
          ...(c.body === undefined
            ? {}
            : { body: json ? JSON.stringify(c.body) : String(c.body), headers: { "content-type": json ? "application/json" : "application/xml" } }),
        });
        const body: unknown = await res.json();
        assert.equal(res.status, c.status, JSON.stringify(body));
        assert.deepEqual(validator.errors(validator.responsePointer(c.path, c.method, res.status), body), [], JSON.stringify(body));
      });
    }

    it("checks each error detail against the schema its @type names", async () => {
      const res = await fetch(`${server.url}/v1/shelves/s1/books?nope=1`);
      const body = (await res.json()) as { details: Record<string, unknown>[] };
      const pointer = validator.responsePointer("/v1/{parent}/books", "GET", res.status);
      assert.equal(body.details[0]["@type"], "type.googleapis.com/buf.validate.Violations");
      assert.deepEqual(validator.errors(pointer, body), []);
      body.details[0].bogus = true;
      assert.ok(validator.errors(pointer, body).some((e) => e.includes("bogus")));
    });

    it("a well-typed request body is valid input per the document", () => {
      const put = paths["/v1/books"].put.requestBody.content["application/json"].schema.$ref.slice(1);
      assert.deepEqual(validator.errors(put, { title: "T", pages: "7", tags: ["GENRE_POETRY"] }), []);
      assert.notDeepEqual(validator.errors(put, { pages: 7.5, extra: true }), []);
    });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createFileRegistry, createRegistry, fromJson, type DescService, type JsonObject } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { file_google_api_annotations } from "../../gen/google/api/annotations_pb.js";
import { createHttpTranscoder } from "./http-transcoder.js";
import { createRouteTable, RouteConfigError } from "./route-table.js";
import { LibraryService, libraryRoutes } from "./testdata/library.js";
import { h2Request, serveWithTranscoder, type TestServer } from "./testdata/serve.js";

/**
 * The parts of google.api.http the booking API does not use, against the synthetic
 * test.library.v1.LibraryService (see testdata/library.ts), whose RPCs echo their input.
 */
describe("http transcoder template features", () => {
  let server: TestServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  before(async () => {
    const rest = createHttpTranscoder({ services: [LibraryService], routes: libraryRoutes, lenientEnums: true });
    server = await serveWithTranscoder(rest, libraryRoutes, []);
  });
  after(() => server.close());

  it("binds a multi-segment variable", async () => {
    const res = await call("GET", "/v1/shelves/s1/books/b%201");
    assert.equal(res.status, 200);
    assert.equal(res.body.name, "shelves/s1/books/b 1");
    assert.equal(res.body.pages, "0", "int64 defaults are emitted as strings");
  });

  it("prefers the template with more literal segments", async () => {
    const res = await call("GET", "/v1/shelves/special/books/latest");
    assert.equal(res.body.name, "latest");
  });

  it("binds a '**' variable across segments", async () => {
    const res = await call("GET", "/v1/files/a/b/c.txt");
    assert.deepEqual(res.body, { path: "a/b/c.txt" });
  });

  it("PATCHes with a body field and a nested path variable", async () => {
    const res = await call("PATCH", "/v1/shelves/s/books/b?allow_missing=true", { title: "Dune", genre: "science fiction" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, "shelves/s/books/b");
    assert.equal(res.body.title, "Dune");
    assert.equal(res.body.genre, "GENRE_SCIENCE_FICTION");
  });

  it("accepts a body value equal to the path and rejects a different one", async () => {
    const same = await call("PATCH", "/v1/shelves/s/books/b", { name: "shelves/s/books/b" });
    assert.equal(same.status, 200);
    const other = await call("PATCH", "/v1/shelves/s/books/b", { name: "shelves/x/books/y" });
    assert.equal(other.status, 400);
    assert.deepEqual(
      other.body.details[0].violations[0].field.elements.map((e: any) => e.fieldName),
      ["book", "name"],
    );
  });

  it("rejects a body field that is not an object when a path variable sets a field inside it", async () => {
    const res = await call("PATCH", "/v1/shelves/s/books/b", "Dune");
    assert.equal(res.status, 400);
    assert.match(res.body.message, /^book: expected a JSON object for test.library.v1.Book$/);
  });

  it("rejects a query parameter inside the body field", async () => {
    const res = await call("PATCH", "/v1/shelves/s/books/b?book.title=x", { title: "y" });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /request body already binds/);
  });

  it("normalises enums nested in messages, lists and maps of a body", async () => {
    const res = await call("PUT", "/v1/books", {
      genre: "Poetry",
      tags: ["science fiction", "POETRY", 2],
      author: { favoriteGenre: "science-fiction" },
      coauthors: [{ favorite_genre: "poetry" }],
      ratings: { alice: "poetry", bob: "GENRE_SCIENCE_FICTION" },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.genre, "GENRE_POETRY");
    assert.deepEqual(res.body.tags, ["GENRE_SCIENCE_FICTION", "GENRE_POETRY", "GENRE_POETRY"]);
    assert.equal(res.body.author.favoriteGenre, "GENRE_SCIENCE_FICTION");
    assert.equal(res.body.coauthors[0].favoriteGenre, "GENRE_POETRY");
    assert.deepEqual(res.body.ratings, { alice: "GENRE_POETRY", bob: "GENRE_SCIENCE_FICTION" });
  });

  const nested: { name: string; body: JsonObject; path: string[]; subscript?: JsonObject; message: RegExp }[] = [
    {
      name: "an unknown enum in a list",
      body: { tags: ["poetry", "opera"] },
      path: ["tags"],
      subscript: { index: "1" },
      message: /^tags\[1\]: unknown value "opera"/,
    },
    {
      name: "a bad enum in a list of messages",
      body: { coauthors: [{}, { favoriteGenre: "nope" }] },
      path: ["coauthors", "favorite_genre"],
      subscript: { index: "1" },
      message: /^coauthors\[1\]\.favorite_genre: /,
    },
    { name: "a bad enum as a map value", body: { ratings: { k: "bad" } }, path: ["ratings"], subscript: { stringKey: "k" }, message: /^ratings\["k"\]: / },
    { name: "an unknown nested field", body: { author: { bogus: 1 } }, path: ["author", "bogus"], message: /^author\.bogus: unknown field$/ },
    { name: "a bad int64", body: { pages: "many" }, path: ["pages"], message: /^pages: / },
    { name: "a bad timestamp", body: { publishTime: "yesterday" }, path: ["publish_time"], message: /^publish_time: invalid google.protobuf.Timestamp/ },
    { name: "a string for a bool", body: { available: "yes" }, path: ["available"], message: /^available: / },
    { name: "a non-array for a list", body: { tags: "poetry" }, path: ["tags"], message: /^tags: / },
  ];
  for (const c of nested) {
    it(`names the field for ${c.name}`, async () => {
      const res = await call("PUT", "/v1/books", c.body);
      assert.equal(res.status, 400);
      assert.match(res.body.message, c.message);
      const elements = res.body.details[0].violations[0].field.elements;
      assert.deepEqual(
        elements.map((e: any) => e.fieldName),
        c.path,
      );
      if (c.subscript) assert.deepEqual(Object.fromEntries(Object.entries(elements[0]).filter(([k]) => k in c.subscript!)), c.subscript);
    });
  }

  it("maps repeated, nested, bool and timestamp query parameters and honours response_body", async () => {
    const res = await call(
      "GET",
      "/v1/shelves/s/books?genres=poetry&genres=SCIENCE_FICTION&genres=1&author.favorite_genre=Poetry&author.name=Ann&available=true&published_after=2030-01-02T03:04:05Z&page_size=5",
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Array.isArray(res.body), "response_body makes the answer the books array");
    const [book] = res.body;
    assert.equal(book.name, "shelves/s/books/1");
    assert.deepEqual(book.tags, ["GENRE_POETRY", "GENRE_SCIENCE_FICTION", "GENRE_SCIENCE_FICTION"]);
    assert.deepEqual(book.author, { name: "Ann", favoriteGenre: "GENRE_POETRY" });
    assert.equal(book.available, true);
    assert.equal(book.publishTime, "2030-01-02T03:04:05Z");
  });

  const badQueries: [string, RegExp, string[]][] = [
    ["labels.x=1", /map field cannot be set/, ["labels"]],
    ["author=Ann", /needs a dotted query parameter/, ["author"]],
    ["author.nope=1", /unknown query parameter "author.nope"/, ["author", "nope"]],
    ["page_size.x=1", /has no fields to address/, ["page_size"]],
    ["available=maybe", /^available: /, ["available"]],
    ["published_after=soon", /^published_after: invalid google.protobuf.Timestamp/, ["published_after"]],
    ["parent=shelves/x", /already binds/, ["parent"]],
  ];
  for (const [query, message, fields] of badQueries) {
    it(`rejects ?${query}`, async () => {
      const res = await call("GET", `/v1/shelves/s/books?${query}`);
      assert.equal(res.status, 400);
      assert.match(res.body.message, message);
      assert.deepEqual(
        res.body.details[0].violations[0].field.elements.map((e: any) => e.fieldName),
        fields,
      );
    });
  }

  it("answers 405 listing the methods a path allows", async () => {
    const res = await call("DELETE", "/v1/shelves/s/books/b");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD, PATCH");
  });

  it("routes a custom HTTP method (over HTTP/2: Node's HTTP/1.1 parser knows only registered methods)", async () => {
    const rest = createHttpTranscoder({ services: [LibraryService], routes: libraryRoutes });
    const h2 = await serveWithTranscoder(rest, libraryRoutes, [], "h2c");
    try {
      const res = await h2Request(h2.url, "ARCHIVE", "/v1/shelves/s9");
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { name: "shelves/s9" });
    } finally {
      await h2.close();
    }
  });
});

describe("route table startup checks", () => {
  const serviceWith = (rule: JsonObject): DescService => {
    const proto = fromJson(
      FileDescriptorProtoSchema,
      {
        name: "test/bad/v1/bad.proto",
        package: "test.bad.v1",
        syntax: "proto3",
        dependency: ["google/api/annotations.proto"],
        messageType: [
          {
            name: "Req",
            field: [
              { name: "id", number: 1, jsonName: "id", type: "TYPE_STRING", label: "LABEL_OPTIONAL" },
              { name: "tags", number: 2, jsonName: "tags", type: "TYPE_STRING", label: "LABEL_REPEATED" },
            ],
          },
        ],
        service: [
          { name: "Bad", method: [{ name: "Do", inputType: ".test.bad.v1.Req", outputType: ".test.bad.v1.Req", options: { "[google.api.http]": rule } }] },
        ],
      },
      { registry: createRegistry(file_google_api_annotations) },
    );
    return createFileRegistry(proto, () => file_google_api_annotations).getService("test.bad.v1.Bad") as DescService;
  };
  const cases: [string, JsonObject, RegExp][] = [
    ["an unknown path variable", { get: "/v1/{nope}" }, /has no field "nope"/],
    ["a repeated path variable", { get: "/v1/{tags}" }, /must be a singular scalar or enum field/],
    ["a path through a scalar", { get: "/v1/{id.x}" }, /"id" is not a message field/],
    ["an unknown body field", { post: "/v1/x", body: "nope" }, /body: test.bad.v1.Req has no field "nope"/],
    ["an unknown response_body", { get: "/v1/x", responseBody: "nope" }, /response_body: test.bad.v1.Req has no field "nope"/],
  ];
  for (const [name, rule, message] of cases) {
    it(`fails at startup for ${name}`, () => {
      assert.throws(
        () => createRouteTable([serviceWith(rule)]),
        (e: unknown) => e instanceof RouteConfigError && message.test(e.message),
      );
    });
  }

  it("fails at startup for an invalid template", () => {
    assert.throws(() => createRouteTable([serviceWith({ get: "v1/x" })]), /must start with '\/'/);
  });

  it("builds one route per binding, including additional_bindings", () => {
    const table = createRouteTable([serviceWith({ post: "/v1/x/{id}:do", body: "*", additionalBindings: [{ delete: "/v1/x/{id}" }] })]);
    assert.deepEqual(
      table.routes.map((r) => `${r.httpMethod} ${r.path.template}`),
      ["POST /v1/x/{id}:do", "DELETE /v1/x/{id}"],
    );
    const found = table.match("DELETE", "/v1/x/42");
    assert.equal(found.kind, "found");
    assert.deepEqual(found.kind === "found" && found.values, ["42"]);
    assert.deepEqual(table.match("GET", "/v1/x/42"), { kind: "method-not-allowed", allow: ["DELETE"] });
    assert.deepEqual(table.match("GET", "/v2/x"), { kind: "none" });
  });
});

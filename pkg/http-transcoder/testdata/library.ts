import {
  create,
  createFileRegistry,
  createRegistry,
  fromJson,
  type DescFile,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
  type JsonObject,
  type MessageInitShape,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { file_google_api_annotations } from "../../../gen/google/api/annotations_pb.js";

/*
 * Test-only service that exercises every google.api.http feature the booking API does not:
 * PATCH with a body field, nested path variables, multi-segment and `**` templates, custom
 * methods, response_body, specificity, and enums nested in messages, lists and maps.
 *
 *   enum Genre { GENRE_UNSPECIFIED = 0; GENRE_SCIENCE_FICTION = 1; GENRE_POETRY = 2; }
 *   message Author { string name = 1; Genre favorite_genre = 2; }
 *   message Book { string name = 1; string title = 2; Genre genre = 3; repeated Genre tags = 4;
 *     Author author = 5; repeated Author coauthors = 6; map<string, Genre> ratings = 7;
 *     int64 pages = 8; bool available = 9; google.protobuf.Timestamp publish_time = 10; double price = 11; }
 *   message GetBookRequest { string name = 1; }
 *   message UpdateBookRequest { Book book = 1; bool allow_missing = 2; }
 *   message ListBooksRequest { string parent = 1; int32 page_size = 2; repeated Genre genres = 3;
 *     Author author = 4; bool available = 5; google.protobuf.Timestamp published_after = 6;
 *     map<string, string> labels = 7; }
 *   message ListBooksResponse { repeated Book books = 1; string next_page_token = 2; }
 *   message ShelfRequest { string name = 1; }
 *   message FileRequest { string path = 1; }
 */

type FieldType = "string" | "int32" | "int64" | "bool" | "double" | "enum" | "message";

const camel = (s: string): string => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function field(name: string, number: number, type: FieldType, opts: { typeName?: string; repeated?: boolean } = {}): JsonObject {
  return {
    name,
    number,
    jsonName: camel(name),
    type: `TYPE_${type.toUpperCase()}`,
    label: opts.repeated ? "LABEL_REPEATED" : "LABEL_OPTIONAL",
    ...(opts.typeName ? { typeName: opts.typeName } : {}),
  };
}

function method(name: string, input: string, output: string, rule: JsonObject): JsonObject {
  return { name, inputType: `.test.library.v1.${input}`, outputType: `.test.library.v1.${output}`, options: { "[google.api.http]": rule } };
}

const GENRE = ".test.library.v1.Genre";
const TIMESTAMP = ".google.protobuf.Timestamp";

const fileProto = fromJson(
  FileDescriptorProtoSchema,
  {
    name: "test/library/v1/library.proto",
    package: "test.library.v1",
    syntax: "proto3",
    dependency: ["google/api/annotations.proto", "google/protobuf/timestamp.proto"],
    enumType: [
      {
        name: "Genre",
        value: [
          { name: "GENRE_UNSPECIFIED", number: 0 },
          { name: "GENRE_SCIENCE_FICTION", number: 1 },
          { name: "GENRE_POETRY", number: 2 },
        ],
      },
    ],
    messageType: [
      { name: "Author", field: [field("name", 1, "string"), field("favorite_genre", 2, "enum", { typeName: GENRE })] },
      {
        name: "Book",
        field: [
          field("name", 1, "string"),
          field("title", 2, "string"),
          field("genre", 3, "enum", { typeName: GENRE }),
          field("tags", 4, "enum", { typeName: GENRE, repeated: true }),
          field("author", 5, "message", { typeName: ".test.library.v1.Author" }),
          field("coauthors", 6, "message", { typeName: ".test.library.v1.Author", repeated: true }),
          field("ratings", 7, "message", { typeName: ".test.library.v1.Book.RatingsEntry", repeated: true }),
          field("pages", 8, "int64"),
          field("available", 9, "bool"),
          field("publish_time", 10, "message", { typeName: TIMESTAMP }),
          field("price", 11, "double"),
        ],
        nestedType: [mapEntry("RatingsEntry", field("value", 2, "enum", { typeName: GENRE }))],
      },
      { name: "GetBookRequest", field: [field("name", 1, "string")] },
      {
        name: "UpdateBookRequest",
        field: [field("book", 1, "message", { typeName: ".test.library.v1.Book" }), field("allow_missing", 2, "bool")],
      },
      {
        name: "ListBooksRequest",
        field: [
          field("parent", 1, "string"),
          field("page_size", 2, "int32"),
          field("genres", 3, "enum", { typeName: GENRE, repeated: true }),
          field("author", 4, "message", { typeName: ".test.library.v1.Author" }),
          field("available", 5, "bool"),
          field("published_after", 6, "message", { typeName: TIMESTAMP }),
          field("labels", 7, "message", { typeName: ".test.library.v1.ListBooksRequest.LabelsEntry", repeated: true }),
        ],
        nestedType: [mapEntry("LabelsEntry", field("value", 2, "string"))],
      },
      {
        name: "ListBooksResponse",
        field: [field("books", 1, "message", { typeName: ".test.library.v1.Book", repeated: true }), field("next_page_token", 2, "string")],
      },
      { name: "ShelfRequest", field: [field("name", 1, "string")] },
      { name: "FileRequest", field: [field("path", 1, "string")] },
    ],
    service: [
      {
        name: "LibraryService",
        method: [
          method("GetBook", "GetBookRequest", "Book", { get: "/v1/{name=shelves/*/books/*}" }),
          method("GetLatestBook", "GetBookRequest", "Book", { get: "/v1/shelves/special/books/latest" }),
          method("UpdateBook", "UpdateBookRequest", "Book", { patch: "/v1/{book.name=shelves/*/books/*}", body: "book" }),
          method("PutBook", "Book", "Book", { put: "/v1/books", body: "*" }),
          method("ListBooks", "ListBooksRequest", "ListBooksResponse", { get: "/v1/{parent=shelves/*}/books", responseBody: "books" }),
          method("ArchiveShelf", "ShelfRequest", "ShelfRequest", { custom: { kind: "ARCHIVE", path: "/v1/{name=shelves/*}" } }),
          method("GetFile", "FileRequest", "FileRequest", { get: "/v1/files/{path=**}" }),
        ],
      },
    ],
  },
  { registry: createRegistry(file_google_api_annotations) },
);

function mapEntry(name: string, value: JsonObject): JsonObject {
  return { name, field: [field("key", 1, "string"), value], options: { mapEntry: true } };
}

const deps: Record<string, DescFile> = {
  "google/api/annotations.proto": file_google_api_annotations,
  "google/protobuf/timestamp.proto": file_google_protobuf_timestamp,
};
const registry = createFileRegistry(fileProto, (name) => deps[name]);

const message = (name: string): DescMessage => {
  const desc = registry.getMessage(`test.library.v1.${name}`);
  if (!desc) throw new Error(`fixture has no ${name}`);
  return desc;
};

export const LibraryService: DescService = registry.getService("test.library.v1.LibraryService") as DescService;
export const BookSchema = message("Book");
export const ListBooksRequestSchema = message("ListBooksRequest");

type Fields = Record<string, unknown>;
type Impl = (req: Fields) => MessageInitShape<DescMessage>;

/**
 * Echoing implementation: each RPC answers with what it received, so tests can assert exactly
 * how path, query and body were mapped onto the input message.
 */
export function libraryRoutes(router: ConnectRouter): void {
  const book = message("Book");
  const impls: Record<string, Impl> = {
    getBook: (req) => create(book, { name: req.name }),
    getLatestBook: () => create(book, { name: "latest" }),
    updateBook: (req) => req.book as MessageInitShape<DescMessage>,
    putBook: (req) => req as MessageInitShape<DescMessage>,
    listBooks: (req) =>
      create(message("ListBooksResponse"), {
        books: [
          create(book, {
            name: `${String(req.parent)}/books/1`,
            tags: req.genres,
            author: req.author,
            publishTime: req.publishedAfter,
            available: req.available,
          }),
        ],
      }),
    archiveShelf: (req) => req as MessageInitShape<DescMessage>,
    getFile: (req) => req as MessageInitShape<DescMessage>,
  };
  for (const m of LibraryService.methods) {
    router.rpc(m as DescMethodUnary<DescMessage, DescMessage>, (req) => impls[m.localName](req as unknown as Fields));
  }
}

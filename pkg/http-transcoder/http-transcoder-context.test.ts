import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type DescMethodUnary } from "@bufbuild/protobuf";
import { type ConnectRouter, createContextKey, createContextValues, type Interceptor } from "@connectrpc/connect";
import { createHttpTranscoder } from "./http-transcoder.js";
import { BookSchema, LibraryService } from "./testdata/library.js";
import { serveWithTranscoder, type TestServer } from "./testdata/serve.js";

const peerKey = createContextKey<string>("unset");
const getBook = LibraryService.methods.find((m) => m.localName === "getBook") as DescMethodUnary<DescMessage, DescMessage>;

describe("http transcoder context values", () => {
  let server: TestServer;
  const seenByInterceptor: string[] = [];
  before(async () => {
    // GetBook answers the peer its handler sees in ctx.values.
    const routes = (router: ConnectRouter) => router.rpc(getBook, (_req, ctx) => create(BookSchema, { name: ctx.values.get(peerKey) }));
    const record: Interceptor = (next) => async (req) => {
      seenByInterceptor.push(req.contextValues.get(peerKey));
      return next(req);
    };
    const rest = createHttpTranscoder({
      services: [LibraryService],
      routes,
      interceptors: [record],
      contextValues: (req) => createContextValues().set(peerKey, `peer ${req.socket.remoteAddress}`),
    });
    server = await serveWithTranscoder(rest, routes, [record]);
  });
  after(() => server.close());

  it("gives each call the values computed from its request, in the interceptors and the handler", async () => {
    const res = await fetch(`${server.url}/v1/shelves/1/books/2`);
    const body = (await res.json()) as { name: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.name, "peer 127.0.0.1");
    assert.deepEqual(seenByInterceptor, ["peer 127.0.0.1"]);
  });
});

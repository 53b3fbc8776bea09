import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRegistry, toBinary, create } from "@bufbuild/protobuf";
import { DurationSchema, file_google_protobuf_duration } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { file_google_rpc_error_details, RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { renderError } from "./error-response.js";
import { HttpError } from "./http-error.js";

describe("renderError", () => {
  const registry = createRegistry(file_google_rpc_error_details, file_google_protobuf_duration);
  const retry = create(RetryInfoSchema, { retryDelay: { seconds: 3n } });

  it("decodes wire details (as they come back from the router transport) with the registry, RetryInfo as Retry-After", () => {
    const err = new ConnectError("slow down", Code.ResourceExhausted);
    err.details.push({ type: "google.rpc.RetryInfo", value: toBinary(RetryInfoSchema, retry) });
    assert.deepEqual(renderError(err, registry), {
      status: 429,
      headers: { "retry-after": "3" },
      closeConnection: false,
      body: { code: 8, message: "slow down", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" }] },
    });
  });

  it("rounds a RetryInfo delay up to whole seconds for Retry-After, and names Bearer on a 401", () => {
    const unavailable = new ConnectError("busy", Code.Unavailable, undefined, [
      { desc: RetryInfoSchema, value: { retryDelay: { seconds: 1n, nanos: 200_000_000 } } },
    ]);
    assert.deepEqual(renderError(unavailable, registry).headers, { "retry-after": "2" });
    const unauthenticated = renderError(new ConnectError("no token", Code.Unauthenticated), registry);
    assert.deepEqual([unauthenticated.status, unauthenticated.headers], [401, { "www-authenticate": "Bearer" }]);
    assert.deepEqual(renderError(new ConnectError("no", Code.PermissionDenied), registry).headers, {});
  });

  it("keeps a detail of an unknown type as base64", () => {
    const err = new ConnectError("x", Code.NotFound);
    err.details.push({ type: "acme.Unknown", value: new Uint8Array([1, 2, 3]) });
    assert.deepEqual(renderError(err, registry).body.details, [{ "@type": "type.googleapis.com/acme.Unknown", value: "AQID" }]);
  });

  it("puts well-known types with a special JSON form under value, as Any JSON does", () => {
    const err = new ConnectError("x", Code.Aborted, undefined, [{ desc: DurationSchema, value: { seconds: 2n } }]);
    assert.deepEqual(renderError(err, registry).body.details, [{ "@type": "type.googleapis.com/google.protobuf.Duration", value: "2s" }]);
  });

  it("hides the message and details of unexpected errors", () => {
    const err = new ConnectError("pg: password authentication failed", Code.Internal, undefined, [{ desc: RetryInfoSchema, value: retry }]);
    assert.deepEqual(renderError(err, registry).body, { code: 13, message: "internal error", details: [] });
    assert.deepEqual(renderError(new Error("boom"), registry).body, { code: 2, message: "internal error", details: [] });
  });

  it("keeps the status and headers of an HttpError and maps URIError to 400", () => {
    const rendered = renderError(new HttpError(405, Code.Unimplemented, "no", { allow: "GET" }), registry);
    assert.equal(rendered.status, 405);
    assert.deepEqual(rendered.headers, { allow: "GET" });
    assert.equal(renderError(new URIError("URI malformed"), registry).status, 400);
  });
});

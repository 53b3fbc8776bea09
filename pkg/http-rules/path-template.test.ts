import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compilePathTemplate, matchPathTemplate, PathTemplateError } from "./path-template.js";

describe("compilePathTemplate", () => {
  const cases: { template: string; path: string; want: string[] | undefined }[] = [
    { template: "/v1/bookings", path: "/v1/bookings", want: [] },
    { template: "/v1/bookings", path: "/v1/bookings/x", want: undefined },
    { template: "/v1/bookings", path: "/v1/booking", want: undefined },
    { template: "/v1/bookings/{ticket_id}", path: "/v1/bookings/abc", want: ["abc"] },
    { template: "/v1/bookings/{ticket_id}", path: "/v1/bookings/a%20b", want: ["a b"] },
    { template: "/v1/bookings/{ticket_id}", path: "/v1/bookings/a%2Fb", want: ["a/b"] },
    { template: "/v1/bookings/{ticket_id}", path: "/v1/bookings/a/b", want: undefined },
    { template: "/v1/bookings/{ticket_id}", path: "/v1/bookings/", want: undefined },
    { template: "/v1/bookings/{ticket_id}:cancel", path: "/v1/bookings/abc:cancel", want: ["abc"] },
    { template: "/v1/bookings/{ticket_id}:cancel", path: "/v1/bookings/a:b:cancel", want: ["a:b"] },
    { template: "/v1/bookings/{ticket_id}:cancel", path: "/v1/bookings/abc", want: undefined },
    { template: "/v1/bookings/{ticket_id}:cancel", path: "/v1/bookings/abc:cancelx", want: undefined },
    { template: "/v1/{name=shelves/*/books/*}", path: "/v1/shelves/1/books/2", want: ["shelves/1/books/2"] },
    { template: "/v1/{name=shelves/*/books/*}", path: "/v1/shelves/1/books", want: undefined },
    { template: "/v1/{name=shelves/*/books/*}", path: "/v1/shelves/1/books/2/x", want: undefined },
    { template: "/v1/{name=shelves/*/books/*}", path: "/v1/shelves/a%2Fb/books/%41", want: ["shelves/a%2Fb/books/A"] },
    { template: "/v1/{book.name=shelves/*/books/*}", path: "/v1/shelves/s/books/b", want: ["shelves/s/books/b"] },
    { template: "/v1/{parent=shelves/*}/books", path: "/v1/shelves/s/books", want: ["shelves/s"] },
    { template: "/v1/files/{path=**}", path: "/v1/files/a/b/c.txt", want: ["a/b/c.txt"] },
    { template: "/v1/files/{path=**}", path: "/v1/files/a", want: ["a"] },
    { template: "/v1/{name=files/**}:download", path: "/v1/files/a/b:download", want: ["files/a/b"] },
    { template: "/v1/*/items", path: "/v1/anything/items", want: [] },
    { template: "/v1/**", path: "/v1/a/b/c", want: [] },
    { template: "/v1/{a}/{b}", path: "/v1/x/y", want: ["x", "y"] },
    { template: "/v1/sync:run", path: "/v1/sync:run", want: [] },
    { template: "/v1/a.b/{x}", path: "/v1/aXb/1", want: undefined },
  ];
  for (const { template, path, want } of cases) {
    it(`matches ${path} against ${template} as ${JSON.stringify(want)}`, () => {
      assert.deepEqual(matchPathTemplate(compilePathTemplate(template), path), want);
    });
  }

  it("records field paths, verbs and whether a variable spans segments", () => {
    const tpl = compilePathTemplate("/v1/{book.name=shelves/*/books/*}/{id}:publish");
    assert.deepEqual(tpl.variables, [
      { fieldPath: ["book", "name"], multiSegment: true },
      { fieldPath: ["id"], multiSegment: false },
    ]);
    assert.equal(tpl.verb, "publish");
    assert.equal(tpl.literalCount, 1, "literals inside a variable do not count");
  });

  it("ranks templates by literal segments and marks '**'", () => {
    assert.equal(compilePathTemplate("/v1/shelves/special/books/latest").literalCount, 5);
    assert.equal(compilePathTemplate("/v1/{name=shelves/*/books/*}").literalCount, 1);
    assert.equal(compilePathTemplate("/v1/files/{path=**}").hasDoubleWildcard, true);
    assert.equal(compilePathTemplate("/v1/files/{path}").hasDoubleWildcard, false);
  });

  it("throws URIError for malformed percent-encoding", () => {
    assert.throws(() => matchPathTemplate(compilePathTemplate("/v1/{id}"), "/v1/%zz"), URIError);
  });

  const invalid: [string, RegExp][] = [
    ["v1/bookings", /must start with '\/'/],
    ["/v1/{id", /unterminated variable/],
    ["/v1/{id=**}/x", /'\*\*' must be the last segment/],
    ["/v1/**/x", /'\*\*' must be the last segment/],
    ["/v1/{id}/{id}", /bound twice/],
    ["/v1/{a.}", /invalid field path/],
    ["/v1/{1a}", /invalid field path/],
    ["/v1/{a={b}}", /nested variables/],
    ["/v1//x", /invalid segment/],
    ["/v1/x:", /invalid verb/],
    ["/v1/x}", /unexpected/],
  ];
  for (const [template, reason] of invalid) {
    it(`rejects ${template}`, () => {
      assert.throws(
        () => compilePathTemplate(template),
        (e: unknown) => e instanceof PathTemplateError && reason.test(e.message),
      );
    });
  }
});

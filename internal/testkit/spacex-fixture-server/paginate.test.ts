import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Doc } from "./fixtures.js";
import { paginate, sortDocs } from "./paginate.js";
import { projectDoc } from "./projection.js";
import { QueryError } from "./query-error.js";

const docs: Doc[] = [5, 3, 9, 1, 7, 2, 8, 4, 6].map((n) => ({
  id: `id${n}`,
  flight_number: n,
  name: `F${n}`,
  links: { patch: { small: `s${n}`, large: `l${n}` }, webcast: `w${n}` },
}));
const numbers = (result: { docs: Doc[] }) => result.docs.map((d) => d.flight_number);
const meta = ({ docs: _docs, ...rest }: { docs: Doc[] }) => rest;
const sort = { flight_number: "asc" };

describe("paginate", () => {
  it("splits 9 docs into 5 pages of 2 with the full mongoose-paginate envelope", () => {
    const pages = [1, 2, 3, 4, 5].map((page) => paginate(docs, { page, limit: 2, sort }));
    assert.deepEqual(pages.flatMap(numbers), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(meta(pages[0]), {
      totalDocs: 9,
      limit: 2,
      totalPages: 5,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: true,
      prevPage: null,
      nextPage: 2,
    });
    assert.deepEqual(meta(pages[4]), {
      totalDocs: 9,
      limit: 2,
      totalPages: 5,
      page: 5,
      pagingCounter: 9,
      hasPrevPage: true,
      hasNextPage: false,
      prevPage: 4,
      nextPage: null,
    });
  });

  it("answers page 0 with page 1, as the real API does (pages are 1-based)", () => {
    assert.deepEqual(paginate(docs, { page: 0, limit: 2, sort }), paginate(docs, { page: 1, limit: 2, sort }));
  });

  it("answers past the last page with no docs and consistent links", () => {
    const result = paginate(docs, { page: 7, limit: 2, sort });
    assert.deepEqual(result.docs, []);
    assert.equal(result.hasNextPage, false);
    assert.equal(result.prevPage, 6);
  });

  it("defaults to page 1 of 10 with offset 0, as in the captured real answer", () => {
    assert.deepEqual(meta(paginate(docs, undefined)), {
      totalDocs: 9,
      offset: 0,
      limit: 10,
      totalPages: 1,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: false,
      prevPage: null,
      nextPage: null,
    });
  });

  it("supports offset, limit 0 and pagination false", () => {
    const byOffset = paginate(docs, { offset: 3, limit: 2, sort });
    assert.deepEqual(numbers(byOffset), [4, 5]);
    assert.deepEqual([byOffset.offset, byOffset.page, byOffset.hasPrevPage, byOffset.prevPage], [3, 2, true, 1]);
    const none = paginate(docs, { limit: 0 });
    assert.deepEqual([none.docs.length, none.limit, none.totalPages, none.totalDocs], [0, 0, 1, 9]);
    const all = paginate(docs, { pagination: false, page: 3, limit: 2, sort });
    assert.deepEqual(numbers(all), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(meta(all), {
      totalDocs: 9,
      limit: 9,
      totalPages: 1,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: false,
      prevPage: null,
      nextPage: null,
    });
  });

  it("refuses options it does not implement", () => {
    assert.throws(() => paginate(docs, { populate: ["rocket"] }), QueryError);
    assert.throws(() => paginate(docs, { page: "two" }), QueryError);
    assert.throws(() => paginate(docs, { pagination: "no" }), QueryError);
  });
});

describe("sortDocs", () => {
  it("sorts by object or string specs, descending too, keeping ties in collection order", () => {
    assert.deepEqual(
      sortDocs(docs, { flight_number: -1 }).map((d) => d.flight_number),
      [9, 8, 7, 6, 5, 4, 3, 2, 1],
    );
    assert.deepEqual(
      sortDocs(docs, "-name").map((d) => d.flight_number),
      [9, 8, 7, 6, 5, 4, 3, 2, 1],
    );
    const tied = [
      { id: "a", k: 1 },
      { id: "b", k: null },
      { id: "c", k: 1 },
      { id: "d", k: "x" },
    ];
    assert.deepEqual(
      sortDocs(tied, { k: "ascending" }).map((d) => d.id),
      ["b", "a", "c", "d"],
    );
    assert.throws(() => sortDocs(docs, { flight_number: "up" }), QueryError);
  });
});

describe("projectDoc", () => {
  const doc = docs[0];
  it("keeps selected fields plus id, including dotted paths", () => {
    assert.deepEqual(projectDoc(doc, "name links.patch"), { name: "F5", links: { patch: { small: "s5", large: "l5" } }, id: "id5" });
    assert.deepEqual(projectDoc(doc, { name: 1, "links.patch.small": 1 }), { name: "F5", links: { patch: { small: "s5" } }, id: "id5" });
    assert.deepEqual(projectDoc(doc, ["name", "-id"]), { name: "F5" });
  });

  it("drops excluded fields and refuses a mix", () => {
    assert.deepEqual(projectDoc(doc, "-links -name"), { id: "id5", flight_number: 5 });
    assert.deepEqual(projectDoc(doc, { "links.webcast": 0 }), { ...doc, links: { patch: { small: "s5", large: "l5" } } });
    assert.throws(() => projectDoc(doc, { name: 1, links: 0 }), /mix of inclusion and exclusion/);
  });
});

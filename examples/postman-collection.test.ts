/**
 * The Postman collection covers the REST API: every route of the generated OpenAPI document
 * (method + path template) has at least one request in examples/spacet.postman_collection.json,
 * and every request there is a route. A new RPC without a Postman request fails here; the
 * requests' assertions run under newman (`npm run postman`, CI).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const read = (file: string): unknown => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"));

interface Item {
  readonly name: string;
  readonly item?: readonly Item[];
  readonly request?: { readonly method: string; readonly url: { readonly path: readonly string[] } };
  readonly event?: ReadonlyArray<{ readonly listen: string; readonly script: { readonly exec: readonly string[] } }>;
}

/** `/v1/bookings/{ticket_id}:cancel` and `/v1/bookings/{{ticketId}}:cancel` both become `/v1/bookings/{}:cancel`. */
const template = (path: string): string => path.replace(/\{\{[^}]*\}\}|\{[^}]*\}/g, "{}");

function openapiRoutes(): Set<string> {
  const doc = read("gen/openapi/openapi.json") as { paths: Record<string, Record<string, unknown>> };
  const methods = ["get", "put", "post", "delete", "patch"];
  return new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${template(path)}`),
    ),
  );
}

const collection = (): readonly Item[] => (read("examples/spacet.postman_collection.json") as { item: Item[] }).item;

function collectionRequests(): Array<{ name: string; route: string }> {
  const walk = (items: readonly Item[]): Array<{ name: string; route: string }> =>
    items.flatMap((i) => [
      ...(i.request ? [{ name: i.name, route: `${i.request.method} ${template(`/${i.request.url.path.join("/")}`)}` }] : []),
      ...walk(i.item ?? []),
    ]);
  return walk(collection());
}

test("every REST route of the OpenAPI document has a request in the Postman collection", () => {
  const covered = new Set(collectionRequests().map((r) => r.route));
  const missing = [...openapiRoutes()].filter((route) => !covered.has(route));
  assert.deepEqual(missing, [], "add a request (with pm.test assertions) to its service's folder in examples/spacet.postman_collection.json");
});

test("every request in the Postman collection calls a route of the OpenAPI document", () => {
  const routes = openapiRoutes();
  const unknown = collectionRequests().filter((r) => !routes.has(r.route));
  assert.deepEqual(unknown, []);
});

test("every request in the Postman collection asserts something", () => {
  const walk = (items: readonly Item[]): string[] =>
    items.flatMap((i) => [
      ...(i.request && !(i.event ?? []).some((e) => e.listen === "test" && e.script.exec.join("\n").includes("pm.test(")) ? [i.name] : []),
      ...walk(i.item ?? []),
    ]);
  assert.deepEqual(walk(collection()), []);
});

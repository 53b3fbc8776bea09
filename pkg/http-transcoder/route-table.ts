import type { DescService } from "@bufbuild/protobuf";
import { type HttpRoute, matchPathTemplate, readHttpRoutes } from "../http-rules/index.js";

export { RouteConfigError } from "../http-rules/index.js";

/** One REST binding of a unary RPC, as read from its `google.api.http` annotation. */
export type Route = HttpRoute;

/** Result of looking up a request in the route table. */
export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly values: string[] }
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "none" };

/**
 * Builds the route table for all unary methods of `services` that carry a `google.api.http`
 * annotation, including `additional_bindings` (see readHttpRoutes: a typo in an annotation
 * fails the process at startup instead of answering 500 at request time).
 */
export function createRouteTable(services: readonly DescService[]): {
  readonly routes: readonly Route[];
  match(httpMethod: string, rawPath: string): RouteMatch;
} {
  const routes = readHttpRoutes(services);
  // Most specific first, so `/v1/shelves/special` wins over `/v1/shelves/{id}`.
  routes.sort(
    (a, b) =>
      Number(a.path.hasDoubleWildcard) - Number(b.path.hasDoubleWildcard) ||
      b.path.literalCount - a.path.literalCount ||
      Number(b.path.verb !== undefined) - Number(a.path.verb !== undefined),
  );
  return {
    routes,
    match(httpMethod, rawPath) {
      const allow = new Set<string>();
      for (const route of routes) {
        const values = matchPathTemplate(route.path, rawPath);
        if (!values) continue;
        if (route.httpMethod === httpMethod) return { kind: "found", route, values };
        allow.add(route.httpMethod);
      }
      return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow].sort() } : { kind: "none" };
    },
  };
}

export { readHttpRoutes, RouteConfigError } from "./http-rules.js";
export type { HttpRoute } from "./http-rules.js";
export { compilePathTemplate, matchPathTemplate, PathTemplateError } from "./path-template.js";
export type { PathTemplate, TemplateVariable } from "./path-template.js";

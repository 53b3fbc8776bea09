export { createHttpTranscoder } from "./http-transcoder.js";
export type { HttpTranscoder, HttpTranscoderOptions, TranscoderRequest, TranscoderResponse } from "./http-transcoder.js";
export { compilePathTemplate, matchPathTemplate, PathTemplateError } from "../http-rules/index.js";
export type { PathTemplate, TemplateVariable } from "../http-rules/index.js";
export { RouteConfigError } from "./route-table.js";
export { httpStatusForCode } from "./error-response.js";
export { createLenientEnums } from "./lenient-enums.js";

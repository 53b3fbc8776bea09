export { type CorsOptions, createCors } from "./cors.js";
export { hasDotSegment, rejectDotSegments } from "./dot-segments.js";

import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** The generated OpenAPI document (`npx buf generate`); `npm run build` copies it beside the compiled code. */
export const OPENAPI_DOCUMENT_URL = new URL("../../gen/openapi/openapi.json", import.meta.url);

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the REST gateway. It is read once at start and
 * answered from memory; it describes the API, so it is served while the service starts too.
 */
export function createOpenApiRoute(): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => boolean {
  const body = readFileSync(OPENAPI_DOCUMENT_URL);
  return (req, res) => {
    if ((req.url ?? "/").split("?")[0] !== "/openapi.json" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length, "cache-control": "no-cache" });
    if (req.method === "HEAD") res.end();
    else res.end(body);
    return true;
  };
}

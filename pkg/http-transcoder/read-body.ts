import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { badRequest } from "./bad-request.js";
import { HttpError } from "./http-error.js";

/** The request side the transcoder needs: a readable body plus headers. */
export type BodySource = Readable & { readonly headers: IncomingHttpHeaders };

/**
 * Reads and parses a JSON request body, never buffering more than `maxBytes`. Returns undefined
 * for an empty body, so `POST /v1/x:cancel` works without `{}`.
 *
 * - Too large (declared or actual): 400 INVALID_ARGUMENT naming the limit. The rest of the body
 *   is read and thrown away, up to `drainBytes` in all, before the error is answered: a client
 *   (fetch) still writing its body when the answer arrives and the connection closes sees a
 *   failed write (EPIPE) instead of the 400. A body declared or found larger than `drainBytes`
 *   is not waited for; the error asks the caller to close the connection.
 * - Content-Type: absent or JSON (`application/json`, `*\/*+json`) is accepted, and so are the
 *   types tools send when nobody set one (`curl -d` sends `application/x-www-form-urlencoded`;
 *   `text/plain`, `*\/*`): like grpc-gateway's wildcard marshaler, the body is read as JSON.
 *   Any other type, or a charset other than UTF-8, is 415 Unsupported Media Type (code
 *   INVALID_ARGUMENT), the HTTP status clients and proxies expect for this case.
 * - Invalid UTF-8 or malformed JSON: INVALID_ARGUMENT with the parser's reason.
 */
export async function readJsonBody(req: BodySource, maxBytes: number, drainBytes = maxBytes): Promise<JsonValue | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (declared > drainBytes) throw tooLarge(maxBytes, true);
  const bytes = await readLimited(req, maxBytes, drainBytes);
  if (bytes.length === 0) return undefined;
  checkContentType(req.headers["content-type"]);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("request body is not valid UTF-8");
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw badRequest(`malformed JSON body: ${(e as Error).message}`);
  }
}

/** 400 rather than 413 so the status matches the INVALID_ARGUMENT code, as for any other bad input. */
const tooLarge = (maxBytes: number, closeConnection: boolean): HttpError =>
  new HttpError(400, Code.InvalidArgument, `request body exceeds the limit of ${maxBytes} bytes`, {}, closeConnection);

/** What clients send when the caller set no type: read as JSON rather than refused. */
const TOOL_DEFAULTS = new Set(["application/x-www-form-urlencoded", "text/plain", "*/*"]);

function checkContentType(header: string | undefined): void {
  if (header === undefined || header.trim() === "") return;
  const [mediaType, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  const json = mediaType === "application/json" || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(mediaType) || TOOL_DEFAULTS.has(mediaType);
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  if (json && (charset === undefined || charset === "utf-8" || charset === "utf8")) return;
  throw new HttpError(415, Code.InvalidArgument, `unsupported content-type "${header}": send application/json (UTF-8)`);
}

/** Keeps up to `maxBytes`; past that counts (and drops) bytes until `drainBytes`, then gives up. */
function readLimited(req: Readable, maxBytes: number, drainBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onFail);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > drainBytes) {
        done();
        req.pause();
        reject(tooLarge(maxBytes, true));
        return;
      }
      if (size > maxBytes) chunks.length = 0;
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      if (size > maxBytes) reject(tooLarge(maxBytes, false));
      else resolve(Buffer.concat(chunks, size));
    };
    const onFail = (e: Error): void => {
      done();
      reject(new ConnectError("client closed the request", Code.Canceled, undefined, undefined, e));
    };
    const onClose = (): void => onFail(new Error("request closed before its body ended"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onFail);
    req.on("close", onClose);
  });
}

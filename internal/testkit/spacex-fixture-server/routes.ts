import { type Answer, jsonAnswer, textAnswer } from "./answer.js";
import type { Doc, SpacexCollections } from "./fixtures.js";
import { compileQuery, isPlainObject } from "./mongo-query.js";
import { paginate, sortDocs } from "./paginate.js";
import { QueryError } from "./query-error.js";

const COLLECTIONS = new Set(["launches", "launchpads", "landpads"]);

/**
 * The v4 routes of r-spacex/SpaceX-API over in-memory collections, with its status codes:
 * `GET /{c}`, `GET /{c}/:id` (404 `Not Found`), `POST /{c}/query` (400 with the message on
 * a bad query) and `GET /launches/upcoming` (flight-number order). `path` is relative to `/v4`.
 */
export function route(store: SpacexCollections, method: string, path: string, body: unknown): Answer {
  const [name, rest, ...extra] = path.split("/").slice(1);
  if (!COLLECTIONS.has(name) || extra.length > 0) return textAnswer(404);
  const docs: Doc[] = store[name as keyof SpacexCollections];
  if (method === "GET" && rest === undefined) return jsonAnswer(docs);
  if (method === "GET" && name === "launches" && rest === "upcoming") {
    return jsonAnswer(
      sortDocs(
        docs.filter((doc) => doc.upcoming === true),
        { flight_number: "asc" },
      ),
    );
  }
  if (method === "POST" && rest === "query") return query(docs, body);
  if (method === "GET" && rest !== undefined && rest !== "") {
    const found = docs.find((doc) => doc.id === rest);
    return found ? jsonAnswer(found) : textAnswer(404);
  }
  return textAnswer(404);
}

function query(docs: readonly Doc[], body: unknown): Answer {
  const request = body ?? {};
  if (!isPlainObject(request)) return textAnswer(400, "body must be a JSON object");
  try {
    const matches = compileQuery(request.query);
    return jsonAnswer(paginate(docs.filter(matches), request.options));
  } catch (error) {
    if (error instanceof QueryError) return textAnswer(400, error.message);
    throw error;
  }
}

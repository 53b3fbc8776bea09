import type { Doc } from "./fixtures.js";
import { isPlainObject } from "./mongo-query.js";
import { QueryError } from "./query-error.js";

/**
 * Applies a Mongoose `select`: a string (`"name date_utc"`, `"-links -crew"`) or an object
 * (`{ name: 1 }`, `{ links: 0 }`), with dotted paths such as `links.patch`. Inclusion
 * always keeps `id`, as Mongoose keeps `_id`, unless `-id` says otherwise; mixing inclusion
 * and exclusion is refused, as MongoDB does.
 */
export function projectDoc(doc: Doc, select: unknown): Doc {
  const fields = selectFields(select);
  if (fields.length === 0) return doc;
  const included = fields.filter(([, keep]) => keep).map(([path]) => path);
  const excluded = fields.filter(([, keep]) => !keep).map(([path]) => path);
  if (included.length > 0 && excluded.some((path) => path !== "id")) {
    throw new QueryError("Projection cannot have a mix of inclusion and exclusion.");
  }
  if (included.length === 0) return excluded.reduce(withoutPath, doc);
  const keepId = !excluded.includes("id") && !included.includes("id");
  return [...included, ...(keepId ? ["id"] : [])].reduce((out, path) => copyPath(doc, out, path.split(".")), {} as Doc);
}

function selectFields(select: unknown): Array<[string, boolean]> {
  if (select === undefined || select === null || select === "") return [];
  if (typeof select === "string") {
    return select
      .trim()
      .split(/\s+/)
      .map((word) => (word.startsWith("-") ? [word.slice(1), false] : [word, true]));
  }
  if (Array.isArray(select) && select.every((item) => typeof item === "string")) return selectFields(select.join(" "));
  if (!isPlainObject(select)) throw new QueryError("options.select must be a string, an array of names or an object");
  return Object.entries(select).map(([path, flag]) => {
    if (flag === 1 || flag === true) return [path, true];
    if (flag === 0 || flag === false) return [path, false];
    throw new QueryError(`unsupported projection value for ${path}: ${JSON.stringify(flag)}`);
  });
}

function copyPath(from: Doc, into: Doc, keys: string[]): Doc {
  const [key, ...rest] = keys;
  if (!(key in from)) return into;
  const value = from[key];
  if (rest.length === 0 || !isPlainObject(value)) return { ...into, [key]: value };
  const existing = isPlainObject(into[key]) ? (into[key] as Doc) : {};
  return { ...into, [key]: copyPath(value, existing, rest) };
}

function withoutPath(doc: Doc, path: string): Doc {
  const [key, ...rest] = path.split(".");
  if (!(key in doc)) return doc;
  const { [key]: value, ...others } = doc;
  if (rest.length === 0) return others;
  return isPlainObject(value) ? { ...doc, [key]: withoutPath(value, rest.join(".")) } : doc;
}

/**
 * Parser and compiler for google.api.http path templates:
 *
 * ```
 * Template  = "/" Segments [ Verb ] ;
 * Segments  = Segment { "/" Segment } ;
 * Segment   = "*" | "**" | LITERAL | Variable ;
 * Variable  = "{" FieldPath [ "=" Segments ] "}" ;
 * FieldPath = IDENT { "." IDENT } ;
 * Verb      = ":" LITERAL ;
 * ```
 *
 * Templates are compiled once, at startup, into an anchored regular expression with one capture
 * group per variable, so a request is matched with a single `exec`.
 */

/** One variable of a template, e.g. `{book.name=shelves/*\/books/*}`. */
export interface TemplateVariable {
  /** Field path in proto names, e.g. `["book", "name"]`. */
  readonly fieldPath: readonly string[];
  /** True when the variable may span several segments (`{x=a/*}`, `{x=**}`): `%2F` then stays encoded. */
  readonly multiSegment: boolean;
}

/** A compiled path template. */
export interface PathTemplate {
  readonly template: string;
  readonly variables: readonly TemplateVariable[];
  /** Custom verb without the colon (`"cancel"` for `...:cancel`), or undefined. */
  readonly verb: string | undefined;
  /** Number of literal segments; more literals means a more specific template. */
  readonly literalCount: number;
  /** Whether the template has a `**` segment, which makes it the least specific. */
  readonly hasDoubleWildcard: boolean;
  /** Anchored regex over the raw (still percent-encoded) URL path. */
  readonly regex: RegExp;
}

/** Thrown for a template that does not follow the grammar; raised at startup, never per request. */
export class PathTemplateError extends Error {
  override name = "PathTemplateError";
  constructor(template: string, reason: string) {
    super(`invalid path template "${template}": ${reason}`);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL = /^[^/{}*:=]+$/;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Parses and compiles a google.api.http path template. */
export function compilePathTemplate(template: string): PathTemplate {
  const fail = (reason: string): never => {
    throw new PathTemplateError(template, reason);
  };
  if (!template.startsWith("/")) fail("must start with '/'");

  let path = template;
  let verb: string | undefined;
  const colon = template.lastIndexOf(":");
  if (colon > template.lastIndexOf("/") && colon > template.lastIndexOf("}")) {
    verb = template.slice(colon + 1);
    path = template.slice(0, colon);
    if (!LITERAL.test(verb)) fail(`invalid verb "${verb}"`);
  }

  const variables: TemplateVariable[] = [];
  let literalCount = 0;
  let hasDoubleWildcard = false;
  let pos = 1;

  // Returns the regex for a "/"-separated list of segments, up to `stop` ("" or "}").
  const parseSegments = (inVariable: boolean): string => {
    const parts: string[] = [];
    for (;;) {
      if (hasDoubleWildcard) fail("'**' must be the last segment");
      if (path.startsWith("**", pos)) {
        hasDoubleWildcard = true;
        parts.push("[^/]+(?:/[^/]+)*");
        pos += 2;
      } else if (path[pos] === "*") {
        parts.push("[^/]+");
        pos += 1;
      } else if (path[pos] === "{") {
        if (inVariable) fail("nested variables are not allowed");
        parts.push(parseVariable());
      } else {
        const end = nextDelimiter();
        const literal = path.slice(pos, end);
        if (!LITERAL.test(literal)) fail(`invalid segment at offset ${pos}`);
        literalCount++;
        parts.push(escapeRegex(literal));
        pos = end;
      }
      if (path[pos] !== "/") return parts.join("/");
      pos++;
    }
  };

  const nextDelimiter = (): number => {
    let end = pos;
    while (end < path.length && path[end] !== "/" && path[end] !== "}") end++;
    return end;
  };

  const parseVariable = (): string => {
    pos++; // "{"
    let end = pos;
    while (end < path.length && path[end] !== "=" && path[end] !== "}") end++;
    const fieldPath = path.slice(pos, end).split(".");
    if (!fieldPath.every((p) => IDENT.test(p))) fail(`invalid field path "${path.slice(pos, end)}"`);
    pos = end;
    let pattern = "[^/]+";
    let multiSegment = false;
    if (path[pos] === "=") {
      pos++;
      const before = literalCount;
      pattern = parseSegments(true);
      multiSegment = pattern !== "[^/]+" || literalCount !== before;
      literalCount = before; // literals inside a variable do not make a route more specific
    }
    if (path[pos] !== "}") fail("unterminated variable");
    pos++;
    if (variables.some((v) => v.fieldPath.join(".") === fieldPath.join("."))) {
      fail(`variable "${fieldPath.join(".")}" is bound twice`);
    }
    variables.push({ fieldPath, multiSegment });
    return `(${pattern})`;
  };

  const body = parseSegments(false);
  if (pos !== path.length) fail(`unexpected "${path.slice(pos)}"`);
  const verbRegex = verb === undefined ? "" : `:${escapeRegex(verb)}`;
  return {
    template,
    variables,
    verb,
    literalCount,
    hasDoubleWildcard,
    regex: new RegExp(`^/${body}${verbRegex}$`),
  };
}

/**
 * Matches a raw URL path against a template and returns the percent-decoded variable values in
 * template order, or undefined if the path does not match. Throws URIError on bad %-encoding.
 *
 * Single-segment variables are fully decoded; multi-segment ones keep `%2F` encoded so that an
 * encoded slash cannot be confused with a segment separator (google.api.http "reserved expansion").
 */
export function matchPathTemplate(tpl: PathTemplate, rawPath: string): string[] | undefined {
  const m = tpl.regex.exec(rawPath);
  if (!m) return undefined;
  return tpl.variables.map((v, i) => {
    const raw = m[i + 1] ?? "";
    return v.multiSegment ? raw.split(/%2F/i).map(decodeURIComponent).join("%2F") : decodeURIComponent(raw);
  });
}

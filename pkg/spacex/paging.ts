import { SpacexApiError } from "./errors.js";
import type { JsonAnswer } from "./http.js";
import { array, boolean, integer, PayloadIssue, record } from "./payload.js";

/** The mongoose-paginate fields the page loop relies on. */
interface Envelope {
  readonly docs: readonly unknown[];
  readonly totalDocs: number;
  readonly limit: number;
  readonly totalPages: number;
  readonly page: number;
  readonly hasNextPage: boolean;
}

/**
 * Reads every page of a `/…/query` endpoint (mongoose-paginate, pages are 1-based) and
 * returns all documents or throws. Each page is checked against the first one: the same
 * totals, the page number asked for, exactly as many docs as the totals imply, and no id
 * twice. A page that is missing, repeated or shifted by a concurrent change therefore
 * fails the whole read instead of yielding a schedule with holes.
 */
export async function readAllPages<T extends { readonly id: string }>(
  fetchPage: (page: number) => Promise<JsonAnswer>,
  limit: number,
  parseDoc: (value: unknown, path: string) => T,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let first: Envelope | undefined;
  for (let page = 1; first === undefined || page <= first.totalPages; page++) {
    const answer = await fetchPage(page);
    const envelope = parse(answer, (body) => parseEnvelope(body));
    first ??= envelope;
    checkPage(envelope, first, page, limit, answer.url);
    envelope.docs.forEach((raw, index) => {
      const item = parse(answer, () => parseDoc(raw, `docs[${index}]`));
      if (seen.has(item.id)) throw inconsistent(answer.url, `page ${page} repeats document ${item.id}`);
      seen.add(item.id);
      items.push(item);
    });
    if (!envelope.hasNextPage) break;
  }
  return items;
}

function parseEnvelope(body: unknown): Envelope {
  const doc = record(body, "$");
  return {
    docs: array(doc.docs, "$.docs"),
    totalDocs: integer(doc.totalDocs, "$.totalDocs", 0),
    limit: integer(doc.limit, "$.limit", 0),
    totalPages: integer(doc.totalPages, "$.totalPages", 1),
    page: integer(doc.page, "$.page", 1),
    hasNextPage: boolean(doc.hasNextPage, "$.hasNextPage"),
  };
}

function checkPage(envelope: Envelope, first: Envelope, page: number, limit: number, url: string): void {
  const fail = (problem: string) => {
    throw inconsistent(url, `page ${page}: ${problem}`);
  };
  if (envelope.page !== page) fail(`the answer is page ${envelope.page}`);
  if (envelope.limit !== limit) fail(`the answer has limit ${envelope.limit}, asked for ${limit}`);
  if (envelope.totalDocs !== first.totalDocs || envelope.totalPages !== first.totalPages) {
    fail(`totals changed from ${first.totalDocs} docs/${first.totalPages} pages to ${envelope.totalDocs}/${envelope.totalPages}`);
  }
  const totalPages = Math.max(1, Math.ceil(envelope.totalDocs / limit));
  if (envelope.totalPages !== totalPages) fail(`${envelope.totalDocs} docs cannot make ${envelope.totalPages} pages of ${limit}`);
  const expected = page < totalPages ? limit : envelope.totalDocs - (totalPages - 1) * limit;
  if (envelope.docs.length !== expected) fail(`${envelope.docs.length} docs, expected ${expected}`);
  if (envelope.hasNextPage !== page < totalPages) fail(`hasNextPage is ${envelope.hasNextPage} on page ${page} of ${totalPages}`);
}

function parse<T>(answer: JsonAnswer, run: (body: unknown) => T): T {
  try {
    return run(answer.body);
  } catch (error) {
    if (!(error instanceof PayloadIssue)) throw error;
    throw new SpacexApiError("invalid_payload", `${answer.url}: ${error.message}`, { url: answer.url, cause: error });
  }
}

function inconsistent(url: string, problem: string): SpacexApiError {
  return new SpacexApiError("inconsistent_paging", `${url}: ${problem}`, { url });
}

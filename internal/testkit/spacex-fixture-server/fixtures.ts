import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../processes.js";

/** A raw SpaceX v4 document, kept exactly as the API serves it. */
export type Doc = Record<string, unknown>;

/** The three collections the server serves. */
export interface SpacexCollections {
  launches: Doc[];
  launchpads: Doc[];
  landpads: Doc[];
}

/**
 * Where the fixtures live: the explicit option, else `SPACEX_FIXTURES_DIR`, else `data/` next
 * to this file (a byte-for-byte copy of the team's `shared/fixtures/spacex`, committed so a
 * clone runs offline on its own). Relative paths resolve against the repo root so the server
 * finds its data whatever the working directory.
 */
export function resolveFixturesDir(explicit?: string): string {
  return resolve(REPO_ROOT, explicit ?? process.env.SPACEX_FIXTURES_DIR ?? "internal/testkit/spacex-fixture-server/data");
}

/** Reads the frozen v4 snapshots; the landpads file is wrapped as `{ data: [...] }` by its source. */
export async function loadFixtures(dir: string): Promise<SpacexCollections> {
  const [launches, launchpads, landpadsFile] = await Promise.all([
    readJson(dir, "v4-launches-all.json"),
    readJson(dir, "v4-launchpads.json"),
    readJson(dir, "v4-landpads-wrapped.json"),
  ]);
  return {
    launches: docs(launches, "v4-launches-all.json"),
    launchpads: docs(launchpads, "v4-launchpads.json"),
    landpads: docs((landpadsFile as { data?: unknown }).data, "v4-landpads-wrapped.json .data"),
  };
}

async function readJson(dir: string, name: string): Promise<unknown> {
  const file = join(dir, name);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new Error(`SpaceX fixture ${file} is not readable; set SPACEX_FIXTURES_DIR to the fixtures folder`, { cause });
  }
  return JSON.parse(text);
}

function docs(value: unknown, source: string): Doc[] {
  if (!Array.isArray(value) || !value.every((doc) => typeof doc === "object" && doc !== null && typeof doc.id === "string")) {
    throw new Error(`${source} is not an array of documents with string ids`);
  }
  return value as Doc[];
}

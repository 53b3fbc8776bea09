import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `migrations/postgresql` of this repository, independent of the working directory. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../../migrations/postgresql/", import.meta.url));

export interface MigrationFile {
  /** File name without `.sql`, e.g. `0001_launch_bookings`; the key in `schema_migrations`. */
  readonly version: string;
  readonly file: string;
  readonly sql: string;
  /** sha256 of the file with line endings normalised, so a CRLF checkout is not "changed". */
  readonly checksum: string;
}

const NAME = /^(\d{4,})_[A-Za-z0-9_-]+\.sql$/;

/**
 * Reads every `NNNN_description.sql` in `dir`, sorted lexically (zero-padded numbers sort in
 * numeric order). A `.sql` file with another name, or two files with the same number (two
 * branches merged without renumbering), is an error rather than something silently skipped
 * or applied in an arbitrary order. Other files (a README) are ignored.
 */
export function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".sql"))
      .sort();
  } catch (e) {
    throw new Error(`cannot read the migrations directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const problems: string[] = [];
  const numbers = new Map<string, string>();
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) {
      problems.push(`${name} is not named NNNN_description.sql`);
      continue;
    }
    const other = numbers.get(m[1]);
    if (other) problems.push(`${other} and ${name} share the number ${m[1]}`);
    numbers.set(m[1], name);
  }
  if (problems.length > 0) throw new Error(`invalid migrations in ${dir}: ${problems.join("; ")}`);
  return names.map((name) => {
    const file = path.join(dir, name);
    const sql = readFileSync(file, "utf8");
    const checksum = createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
    return { version: name.slice(0, -".sql".length), file, sql, checksum };
  });
}

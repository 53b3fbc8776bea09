import { type Dirent, readdirSync } from "node:fs";
import path from "node:path";

/** Folders that hold `*.test.ts` files (Node 20's `--test` takes no globs, so the runner lists them). */
const TEST_ROOTS = ["cmd", "config", "internal", "pkg", "examples", "bench", "scripts"] as const;

/** Every `*.test.ts` under `roots` (relative to `base`), skipping node_modules and dot-folders, sorted. */
export function findTestFiles(base: string, roots: readonly string[] = TEST_ROOTS): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a root that does not exist (yet)
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && e.name.endsWith(".test.ts")) found.push(path.relative(base, full));
    }
  };
  for (const root of roots) walk(path.join(base, root));
  return found.sort();
}

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = path.join(ROOT, "node_modules/@redocly/cli/bin/cli.js");

/** What `redocly lint --format=json` reports. */
export interface LintResult {
  readonly totals: { errors: number; warnings: number; ignored: number };
  readonly problems: readonly unknown[];
}

/**
 * Lints an OpenAPI document (an object, or the path of a file) with the Redocly CLI and the
 * repository's redocly.yaml (the recommended rules). Telemetry and the update check are off:
 * tests run offline.
 */
export async function redoclyLint(document: Record<string, unknown> | string): Promise<LintResult> {
  const dir = typeof document === "string" ? undefined : mkdtempSync(path.join(tmpdir(), "redocly-"));
  const file = dir ? path.join(dir, "openapi.json") : (document as string);
  if (dir) writeFileSync(file, JSON.stringify(document));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [CLI, "lint", "--format=json", `--config=${path.join(ROOT, "redocly.yaml")}`, file],
        { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }, maxBuffer: 16 * 1024 * 1024 },
        // It exits 1 when it found errors; the JSON report is on stdout either way.
        (err, out, stderr) => (out.trim().startsWith("{") ? resolve(out) : reject(new Error(`redocly lint failed: ${err?.message}\n${stderr}`))),
      );
    });
    return JSON.parse(stdout) as LintResult;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

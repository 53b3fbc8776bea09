import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "../internal/testkit/processes.js";

/**
 * How the image runs the server (Dockerfile ENV and CMD; `npm start` runs the same after
 * building). Each setting keeps idle RSS down at no measured CPU cost per booking (README,
 * "idle RSS"): a young generation of at most 2 x 8 MB; no Maglev, V8's mid-tier JIT, whose
 * compiles on background threads leave ~3–5 MB of malloc'd memory behind (hot code still reaches
 * TurboFan); at most two glibc malloc arenas instead of one per thread that ever allocated.
 */
export const PRODUCTION_SERVER = {
  script: "dist/cmd/server.js",
  nodeArgs: ["--max-semi-space-size=8", "--no-maglev"],
  env: { MALLOC_ARENA_MAX: "2" },
} as const;

/** `npm run build`: compiles the server into dist/, as the image does. */
export function buildDist(): void {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
}

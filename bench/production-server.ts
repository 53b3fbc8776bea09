import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "../internal/testkit/processes.js";

/** How the image runs the server (Dockerfile CMD; `npm start` runs the same after building). */
export const PRODUCTION_SERVER = { script: "dist/cmd/server.js", nodeArgs: ["--max-semi-space-size=8"] } as const;

/** `npm run build`: compiles the server into dist/, as the image does. */
export function buildDist(): void {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
}

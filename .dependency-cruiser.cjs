/**
 * Import boundaries between the layers (npm run lint). Production code follows every rule; a
 * test (`*.test.ts`, or a helper in a `testdata/` folder) may also reach the composition
 * (cmd/wiring) and internal/testkit, because it builds the real thing to test it.
 */
const TEST = "(\\.test\\.ts$|/testdata/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "internal/domain holds rules and types only: it imports nothing outside the domain (no kysely, no gen/, no node: modules).",
      severity: "error",
      from: { path: "^internal/domain/", pathNot: TEST },
      to: { pathNot: "^internal/domain/" },
    },
    {
      name: "app-imports-domain-only",
      comment: "internal/app (use cases and their ports) imports only internal/domain and internal/app: adapters implement its ports, never the reverse.",
      severity: "error",
      from: { path: "^internal/app/", pathNot: TEST },
      to: { pathNot: "^internal/(domain|app)/" },
    },
    {
      name: "controller-never-imports-infra",
      comment: "internal/controller calls use cases; only cmd/ knows which adapters implement their ports.",
      severity: "error",
      from: { path: "^internal/controller/", pathNot: TEST },
      to: { path: "^(internal/infra|cmd)/" },
    },
    {
      name: "infra-never-imports-controller-or-cmd",
      comment: "internal/infra implements app ports; it knows nothing of the API layer or of the composition.",
      severity: "error",
      from: { path: "^internal/infra/", pathNot: TEST },
      to: { path: "^(internal/controller|cmd)/" },
    },
    {
      name: "only-cmd-composes",
      comment: "Nothing under internal/ imports cmd/: the composition root sits on top of everything.",
      severity: "error",
      from: { path: "^internal/", pathNot: TEST },
      to: { path: "^cmd/" },
    },
    {
      name: "testkit-never-imports-cmd",
      comment: "Test helpers are building blocks; a test that needs the wiring imports cmd/wiring itself.",
      severity: "error",
      from: { path: "^internal/testkit/" },
      to: { path: "^cmd/" },
    },
    {
      name: "production-never-imports-test-code",
      comment: "Test helpers (internal/testkit, testdata/, *.test.ts) stay out of what ships.",
      severity: "error",
      from: { path: "^(cmd|config|internal|pkg|examples)/", pathNot: `${TEST}|^internal/testkit/` },
      to: { path: "(\\.test\\.ts$|/testdata/|^internal/testkit/)" },
    },
    {
      name: "pkg-is-project-agnostic",
      comment: "pkg/ holds pieces any project could use: it never imports internal/, cmd/ or config/.",
      severity: "error",
      from: { path: "^pkg/", pathNot: TEST },
      to: { path: "^(internal|cmd|config)/" },
    },
    {
      name: "pkg-tests-use-testkit-only",
      comment: "A pkg/ test may use internal/testkit (fixture servers, processes), nothing else of the service.",
      severity: "error",
      from: { path: `^pkg/.*${TEST}` },
      to: { path: "^(internal|cmd)/", pathNot: "^internal/testkit/" },
    },
    {
      name: "examples-use-public-surface-only",
      comment: "Examples show what a consumer can do: generated code, stock clients and the config; never internal/, pkg/ or cmd/.",
      severity: "error",
      from: { path: "^examples/", pathNot: TEST },
      to: { path: "^(internal|pkg|cmd)/" },
    },
    {
      name: "example-tests-use-testkit-only",
      comment: "An example's test may use internal/testkit to start what it needs, nothing else of the service.",
      severity: "error",
      from: { path: `^examples/.*${TEST}` },
      to: { path: "^(internal|pkg|cmd)/", pathNot: "^internal/testkit/" },
    },
    {
      name: "no-circular",
      comment: "Modules that import each other cannot be understood, tested or moved one at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: ["node_modules", "^gen/"] },
    exclude: { path: ["^internal/testkit/spacex-fixture-server/data/"] },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};

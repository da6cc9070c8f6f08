import { defineConfig } from "vitest/config";

// Tests run every package from its source: `@ecsflow/x` resolves to packages/x/src through the
// exports maps' `ecsflow-source` condition (Node without it, as users run it, takes dist/).
// Not Vite's "module" condition: packages that Node loads itself (node_modules) must resolve as
// Node resolves them, and some (the AWS SDK) offer under "module" a build only bundlers can load.
const SOURCE_CONDITIONS = ["ecsflow-source", "node", "development|production"];

export default defineConfig({
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    include: ["test/**/*.test.ts"],
    // Podman's Docker-compatible service for the container-mode tests (skipped, with the reason, without podman).
    globalSetup: ["test/support/container-engine-setup.ts"],
    pool: "forks",
    // Generous: the machines are shared and some suites (claim races, fuzzing) do thousands of requests.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Storage suites give every file its own SQLite file or PostgreSQL schema, so files can run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});

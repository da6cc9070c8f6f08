import { defineConfig } from "vitest/config";

export default defineConfig({
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

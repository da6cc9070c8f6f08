import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage suites give every file its own SQLite file or PostgreSQL schema, so files can run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});

import { describe, expect, it } from "vitest";
import { productionPackages } from "../../packages/image/src/index.js";
import { emptyHome, spawnEcsflow } from "../cli/run-ecsflow.js";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";

// `ecsflow image build` without an engine, and the context's package selection (no engine needed).

describe("ecsflow image build", () => {
  it("says which engine addresses it tried and how to start one, with the unreachable exit code", async () => {
    const r = await spawnEcsflow(["image", "build", "--engine-host", "unix:///nonexistent/ecsflow-engine.sock"], { ECSFLOW_HOME: emptyHome() }).result;
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("No container engine answers at unix:///nonexistent/ecsflow-engine.sock");
    expect(r.stderr).toContain("podman system service");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("explains itself with --help", async () => {
    const r = await spawnEcsflow(["image", "build", "--help"], { ECSFLOW_HOME: emptyHome() }).result;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--base <image>");
    expect(r.stdout).toContain("ecsflow:local");
  });

  it("puts exactly the lock file's production packages in the image", () => {
    const repo = resolve(import.meta.dirname, "../..");
    const lock = JSON.parse(readFileSync(resolve(repo, "package-lock.json"), "utf8")).packages as Record<string, { dev?: boolean }>;
    const chosen = productionPackages(repo);
    expect(chosen).toContain("node_modules/fastify");
    expect(chosen).toContain("node_modules/@aws-sdk/client-ecs");
    for (const p of chosen) expect(lock[p]?.dev).not.toBe(true);
    for (const dev of ["node_modules/vitest", "node_modules/typescript", "node_modules/eslint"]) expect(chosen).not.toContain(dev);
    // Nested copies ride along inside their parent's folder, never twice.
    expect(chosen.some((p) => chosen.some((q) => q !== p && p.startsWith(`${q}/`)))).toBe(false);
  });
});

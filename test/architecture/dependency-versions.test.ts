import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ECSFLOW_VERSION } from "../../packages/schemas/src/index.js";

// AWS SDK v3 clients share their middleware and smithy packages only when they are released
// together; mixed versions install several copies of the same runtime and drift in behaviour.

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as Manifest;
const root = read("../../package.json");
const packages = readdirSync(new URL("../../packages/", import.meta.url)).map((dir) => read(`../../packages/${dir}/package.json`));

describe("dependency versions", () => {
  it("pins every @aws-sdk client to one and the same version, in every package", () => {
    const aws = [root, ...packages].flatMap((m) => Object.entries({ ...m.dependencies, ...m.devDependencies })).filter(([name]) => name.startsWith("@aws-sdk/"));
    expect(aws.length).toBeGreaterThan(0);
    const versions = new Set(aws.map(([, version]) => version));
    expect([...versions], `@aws-sdk versions: ${aws.map(([n, v]) => `${n}@${v}`).join(", ")}`).toHaveLength(1);
    for (const [, version] of aws) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("reports the version package.json gives (the server, the worker and the CLI share one constant)", () => {
    expect(ECSFLOW_VERSION).toBe(root.version);
    // The packages are released together: one version, and each depends on ours at exactly it.
    for (const m of packages) {
      expect(m.version, m.name).toBe(ECSFLOW_VERSION);
      for (const [dep, version] of Object.entries(m.dependencies ?? {})) if (dep.startsWith("@ecsflow/")) expect(version, `${m.name} → ${dep}`).toBe(ECSFLOW_VERSION);
    }
  });

  it("pins every third-party dependency to an exact version, the same in every package", () => {
    const seen = new Map<string, Set<string>>();
    for (const m of [root, ...packages]) {
      for (const [dep, version] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
        if (dep.startsWith("@ecsflow/")) continue;
        expect(version, `${m.name} → ${dep}`).toMatch(/^\d+\.\d+\.\d+$/);
        seen.set(dep, (seen.get(dep) ?? new Set()).add(version));
      }
    }
    const mixed = [...seen].filter(([, v]) => v.size > 1).map(([d, v]) => `${d}: ${[...v].join(", ")}`);
    expect(mixed).toEqual([]);
  });
});

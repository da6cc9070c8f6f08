import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ECSFLOW_VERSION } from "../../src/schemas/index.js";

// AWS SDK v3 clients share their middleware and smithy packages only when they are released
// together; mixed versions install several copies of the same runtime and drift in behaviour.

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

describe("dependency versions", () => {
  it("pins every @aws-sdk client to one and the same version", () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    const aws = Object.entries(all).filter(([name]) => name.startsWith("@aws-sdk/"));
    expect(aws.length).toBeGreaterThan(0);
    const versions = new Set(aws.map(([, version]) => version));
    expect([...versions], `@aws-sdk versions: ${aws.map(([n, v]) => `${n}@${v}`).join(", ")}`).toHaveLength(1);
    for (const [, version] of aws) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("reports the version package.json gives (the server, the worker and the CLI share one constant)", () => {
    expect(ECSFLOW_VERSION).toBe(manifest.version);
  });
});

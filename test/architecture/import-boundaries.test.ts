import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

// DESIGN.md's module table: which of our modules each module may import.
const ALLOWED: Record<string, string[]> = {
  schemas: [],
  settings: [],
  // Tracing setup and the flow run's trace ids; it imports nothing of ours, so anything may use it.
  telemetry: [],
  server: ["schemas", "telemetry"],
  client: ["schemas"],
  worker: ["client", "schemas", "telemetry"],
  // A flow script run on its own is an entry point, so the SDK may read settings.
  sdk: ["client", "schemas", "settings", "telemetry"],
  "ecs-local": [],
  // `ecsflow ecs provision`: AWS SDK calls plus the work pool through the API client.
  provision: ["client", "schemas"],
  // The runtime image is built through the same engine client ecs-local uses.
  image: ["ecs-local"],
  cli: ["schemas", "settings", "server", "client", "worker", "sdk", "ecs-local", "ui", "provision", "image", "telemetry"],
  ui: [],
};

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "node_modules" || name === "dist") continue;
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function moduleOf(file: string): string {
  return relative(SRC, file).split(sep)[0];
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

describe("module boundaries (DESIGN.md)", () => {
  const files = sourceFiles(SRC);

  it("finds the source files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it("every relative import stays inside src/ and follows the module table", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        const rel = relative(SRC, target);
        if (rel.startsWith("..")) {
          violations.push(`${relative(SRC, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = rel.split(sep)[0];
        if (to === from) continue;
        if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("only the settings module reads process.env", () => {
    const readers = files
      .filter((f) => !["settings", "cli"].includes(moduleOf(f)))
      .filter((f) => /process\.env\b/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, "")))
      .map((f) => relative(SRC, f));
    // The worker and ecs-local pass environments to child processes; they must take them as options instead.
    expect(readers).toEqual([]);
  });
});

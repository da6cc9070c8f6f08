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

/** The files `file` imports (relative imports only), resolved from `.js` specifiers to the sources. */
function localImports(file: string, known: Set<string>): string[] {
  const out: string[] = [];
  for (const spec of importsOf(file)) {
    if (!spec.startsWith(".")) continue;
    const base = resolve(dirname(file), spec).replace(/\.js$/, "");
    const hit = [".ts", ".tsx", ".mts", "/index.ts"].map((ext) => base + ext).find((p) => known.has(p));
    if (hit) out.push(hit);
  }
  return out;
}

/** Import cycles among files, each as its files in order (Tarjan's strongly connected components). */
function importCycles(files: string[]): string[][] {
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, localImports(f, known)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(SRC, w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe("import graph", () => {
  it("has no import cycles between files (type-only imports included: they mean the split is wrong)", () => {
    expect(importCycles(sourceFiles(SRC))).toEqual([]);
  });
});

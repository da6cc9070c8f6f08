import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

// DESIGN.md's module table, now one npm workspace package per module: which of our packages each
// package may import. A package imports another only by its name (`@ecsflow/client`), through the
// other's exports map, and declares it in its own package.json.
const ALLOWED: Record<string, string[]> = {
  schemas: [],
  settings: [],
  // Tracing setup and the flow run's trace ids; it imports nothing of ours, so anything may use it.
  telemetry: [],
  server: ["schemas", "telemetry", "ui"],
  client: ["schemas"],
  worker: ["client", "schemas", "telemetry"],
  // A flow script run on its own is an entry point, so the SDK may read settings; `flow-run
  // execute` lives here too, so a flow image needs nothing beyond the SDK's own dependencies.
  sdk: ["client", "schemas", "settings", "telemetry"],
  "ecs-local": [],
  // `ecsflow ecs provision`: AWS SDK calls plus the work pool through the API client.
  provision: ["client", "schemas"],
  // The runtime image is built through the same engine client ecs-local uses.
  image: ["ecs-local"],
  cli: ["schemas", "settings", "server", "client", "worker", "sdk", "ecs-local", "provision", "image", "telemetry"],
  ui: [],
};

const PACKAGES = resolve(import.meta.dirname, "../../packages");

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}

const manifestOf = (pkg: string): Manifest => JSON.parse(readFileSync(join(PACKAGES, pkg, "package.json"), "utf8")) as Manifest;
/** `ecsflow` (the CLI) or `@ecsflow/<folder>` → the folder under packages/. */
const folderOfName = (name: string): string | undefined => (name === "ecsflow" ? "cli" : name.startsWith("@ecsflow/") ? name.slice("@ecsflow/".length) : undefined);

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
  return relative(PACKAGES, file).split(sep)[0];
}

function importsOf(file: string): string[] {
  // Comments may show imports (`import { flow } from "ecsflow"` in a doc comment); they import nothing.
  const text = readFileSync(file, "utf8").replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, "");
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

/** The bare package name of a specifier (`@scope/name/sub` → `@scope/name`), or undefined for node: and relative ones. */
function packageOfSpecifier(spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("node:") || spec.startsWith("/")) return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("package boundaries (DESIGN.md)", () => {
  const packages = readdirSync(PACKAGES).filter((d) => statSync(join(PACKAGES, d)).isDirectory());
  const files = sourceFiles(PACKAGES).filter((f) => !f.includes(`${sep}vite.config.ts`));

  it("has one package per module of the table, each with its own manifest", () => {
    expect(packages.sort()).toEqual(Object.keys(ALLOWED).sort());
    for (const pkg of packages) expect(folderOfName(manifestOf(pkg).name)).toBe(pkg);
    expect(files.length).toBeGreaterThan(0);
  });

  it("no relative import leaves its package", () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        if (moduleOf(target) !== moduleOf(file) || relative(PACKAGES, target).startsWith("..")) violations.push(`${relative(PACKAGES, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("imports our packages by name as the module table allows, through their exports maps", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      for (const spec of importsOf(file)) {
        const name = packageOfSpecifier(spec);
        const to = name && folderOfName(name);
        if (!to || to === from) continue;
        if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(PACKAGES, file)} (${from}) imports ${spec} (${to})`);
        const subpath = spec === name ? "." : `.${spec.slice(name!.length)}`;
        if (!Object.hasOwn(manifestOf(to).exports ?? {}, subpath)) violations.push(`${relative(PACKAGES, file)} imports ${spec}, which ${name}'s exports map does not offer`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("every package declares exactly the packages its code imports", () => {
    const problems: string[] = [];
    for (const pkg of packages) {
      const declared = new Set(Object.keys(manifestOf(pkg).dependencies ?? {}));
      const used = new Set<string>();
      for (const file of files.filter((f) => moduleOf(f) === pkg)) {
        for (const spec of importsOf(file)) {
          const name = packageOfSpecifier(spec);
          if (name && name !== manifestOf(pkg).name) used.add(name);
        }
      }
      // The UI is bundled by Vite at build time: its imports are build tools', not run-time dependencies.
      if (pkg === "ui") continue;
      for (const name of used) if (!declared.has(name)) problems.push(`${pkg} imports ${name} without declaring it`);
      // Declared but not imported: only what is reached without an import (a binary, a pino transport, files).
      const reachedOtherwise: Record<string, string[]> = { sdk: ["esbuild"], cli: ["pino-pretty"], server: ["@ecsflow/ui"] };
      for (const name of declared) if (!used.has(name) && !(reachedOtherwise[pkg] ?? []).includes(name)) problems.push(`${pkg} declares ${name} but never imports it`);
    }
    expect(problems).toEqual([]);
  });

  it("the SDK's dependencies include neither the server, the worker nor the AWS SDK, directly or through ours", () => {
    const closure = new Set<string>();
    const visit = (pkg: string) => {
      for (const name of Object.keys(manifestOf(pkg).dependencies ?? {})) {
        if (closure.has(name)) continue;
        closure.add(name);
        const folder = folderOfName(name);
        if (folder) visit(folder);
      }
    };
    visit("sdk");
    const heavy = [...closure].filter((n) => ["@ecsflow/server", "@ecsflow/worker", "@ecsflow/ecs-local", "ecsflow", "fastify", "better-sqlite3", "pg", "dockerode", "kysely"].includes(n) || n.startsWith("@aws-sdk/"));
    expect(heavy).toEqual([]);
  });

  it("only the settings package and the entry points (the CLI, the SDK's `flow-run execute`) read process.env", () => {
    const entryPoints = [join(PACKAGES, "sdk", "src", "execute-main.ts")];
    const readers = files
      .filter((f) => !["settings", "cli"].includes(moduleOf(f)) && !entryPoints.includes(f))
      .filter((f) => /process\.env\b/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, "")))
      .map((f) => relative(PACKAGES, f));
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
        component.push(relative(PACKAGES, w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe("import graph", () => {
  it("has no import cycles between files (type-only imports included: they mean the split is wrong)", () => {
    expect(importCycles(sourceFiles(PACKAGES))).toEqual([]);
  });
});

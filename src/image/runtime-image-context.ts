import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TarWriter } from "./tar-writer.js";

/** What goes into the image under /app, relative to the repository. */
const APP_PARTS = ["package.json", "package-lock.json", "bin", "dist", "examples"] as const;

/** Files a running process never reads: source maps and type declarations. */
const NOT_AT_RUN_TIME = /\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/;

export interface ContextSummary {
  files: number;
  bytes: number;
  productionPackages: number;
}

/**
 * The build context of the runtime image: the Containerfile and, under app/, this build (dist, bin,
 * examples) with only the production dependencies. Which packages those are comes from
 * package-lock.json's own `dev` flags, so the image gets what `npm ci --omit=dev` would install,
 * from the already installed node_modules, without a registry.
 */
export function runtimeImageContext(repoDir: string): { tar: TarWriter; summary: () => ContextSummary } {
  for (const required of ["Containerfile", "package-lock.json", "dist/cli/main.js"]) {
    if (!existsSync(join(repoDir, required))) {
      throw new Error(`${join(repoDir, required)} is missing: run \`npm install\` (which builds dist/) in the ecsflow checkout first.`);
    }
  }
  const tar = new TarWriter();
  tar.hostFile(join(repoDir, "Containerfile"), "Containerfile");
  tar.dir("app");
  const skip = (p: string) => NOT_AT_RUN_TIME.test(p) || p.includes("/.ecsflow/");
  for (const part of APP_PARTS) {
    const host = join(repoDir, part);
    if (!existsSync(host)) continue;
    if (part.includes(".")) tar.hostFile(host, `app/${part}`);
    else tar.hostTree(host, `app/${part}`, skip);
  }
  // `ecsflow …` in a container command: a PATH entry without the .js suffix.
  tar.file("app/bin/ecsflow", '#!/usr/bin/env node\nimport "./ecsflow.js";\n', 0o755);
  const packages = productionPackages(repoDir);
  for (const pkg of packages) tar.hostTree(join(repoDir, pkg), `app/${pkg}`, skip);
  tar.finish();
  return { tar, summary: () => ({ files: tar.entries, bytes: tar.bytes, productionPackages: packages.length }) };
}

/** Installed package folders (`node_modules/…`) that package-lock.json does not mark dev-only. */
export function productionPackages(repoDir: string): string[] {
  const lock = JSON.parse(readFileSync(join(repoDir, "package-lock.json"), "utf8")) as { packages?: Record<string, { dev?: boolean; link?: boolean }> };
  const all = Object.entries(lock.packages ?? {}).filter(([path, meta]) => path.startsWith("node_modules/") && !meta.dev && !meta.link);
  // Optional platform packages (esbuild's binary for another OS) are in the lock but not on disk.
  // Nested packages sit inside their parent's folder, which is copied whole.
  const paths = all.map(([p]) => p).filter((p) => existsSync(join(repoDir, p)));
  return paths.filter((p) => !paths.some((parent) => parent !== p && p.startsWith(`${parent}/`)));
}

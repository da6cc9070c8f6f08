import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TarWriter } from "./tar-writer.js";

/**
 * Which image: `full` carries the `ecsflow` CLI with everything behind it (worker, server,
 * ecs-local), for the worker's own task and `ecsflow up`; `sdk` carries only @ecsflow/sdk and what
 * it needs (client, schemas, settings, telemetry), for flow runs: `ecsflow flow-run execute`
 * works in it, the server and the AWS SDK are not there.
 */
export type ImageFlavor = "full" | "sdk";

/** Files a running process never reads: source maps and type declarations. */
const NOT_AT_RUN_TIME = /\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/;

/** What each workspace package puts in an image: its manifest and build (bin and examples for the CLI). */
const PACKAGE_PARTS = ["package.json", "dist", "bin", "examples"] as const;

export interface ContextSummary {
  files: number;
  bytes: number;
  productionPackages: number;
}

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

type Lock = Record<string, LockEntry>;

/** `ecsflow …` in an SDK-only image: `flow-run execute` and `--version`; anything else says where the rest is. */
const SDK_ONLY_BIN = `#!/usr/bin/env node
const [command, sub, ...rest] = process.argv.slice(2);
if (command === "flow-run" && sub === "execute") {
  const entry = "@ecsflow/sdk/execute-main";
  const { runFlowRunExecute } = await import(entry);
  await runFlowRunExecute(rest);
} else if (command === "--version" || command === "-V") {
  const { createRequire } = await import("node:module");
  process.stdout.write(createRequire(import.meta.url)("@ecsflow/sdk/package.json").version + "\\n");
} else {
  process.stderr.write("This image carries only ecsflow's SDK: it runs \`ecsflow flow-run execute\` (a flow run's task). The rest of the CLI is in the full image (ecsflow image build).\\n");
  process.exitCode = 2;
}
`;

/**
 * The build context of a runtime image: the Containerfile and, under app/, the `ecsflow` package's
 * build (full) or a small package of its own (sdk), with node_modules/ holding the workspace
 * packages it needs (real folders, not the workspace's symlinks) and their production
 * dependencies. Which those are comes from package-lock.json, so the image gets what
 * `npm ci --omit=dev` would install, from the already installed node_modules, without a registry.
 */
export function runtimeImageContext(repoDir: string, flavor: ImageFlavor = "full"): { tar: TarWriter; summary: () => ContextSummary } {
  for (const required of ["Containerfile", "package-lock.json", "packages/cli/dist/main.js", "packages/sdk/dist/execute-main.js"]) {
    if (!existsSync(join(repoDir, required))) {
      throw new Error(`${join(repoDir, required)} is missing: run \`npm install\` (which builds every package's dist/) in the ecsflow checkout first.`);
    }
  }
  const lock = readLock(repoDir);
  const tar = new TarWriter();
  tar.hostFile(join(repoDir, "Containerfile"), "Containerfile");
  tar.dir("app");
  const skip = (p: string) => NOT_AT_RUN_TIME.test(p) || p.includes("/.ecsflow/");
  const { packages, workspaces } = selectPackages(repoDir, lock, flavor);
  if (flavor === "full") {
    addPackage(tar, repoDir, "packages/cli", "app", skip);
    // `ecsflow …` in a container command: a PATH entry without the .js suffix.
    tar.file("app/bin/ecsflow", '#!/usr/bin/env node\nimport "./ecsflow.js";\n', 0o755);
  } else {
    tar.file("app/package.json", `${JSON.stringify({ name: "ecsflow-flow-image", private: true, type: "module" }, null, 2)}\n`);
    tar.hostTree(join(repoDir, "packages/cli/examples"), "app/examples", skip);
    tar.dir("app/bin");
    tar.file("app/bin/ecsflow", SDK_ONLY_BIN, 0o755);
  }
  for (const ws of workspaces) {
    if (ws === "packages/cli") continue;
    addPackage(tar, repoDir, ws, `app/node_modules/${packageName(repoDir, ws)}`, skip);
  }
  for (const pkg of packages) tar.hostTree(join(repoDir, pkg), `app/${pkg}`, skip);
  tar.finish();
  return { tar, summary: () => ({ files: tar.entries, bytes: tar.bytes, productionPackages: packages.length + workspaces.length }) };
}

function addPackage(tar: TarWriter, repoDir: string, ws: string, archiveDir: string, skip: (p: string) => boolean): void {
  tar.dir(archiveDir);
  for (const part of PACKAGE_PARTS) {
    const host = join(repoDir, ws, part);
    if (!existsSync(host)) continue;
    if (part === "package.json") tar.hostFile(host, `${archiveDir}/${part}`);
    else tar.hostTree(host, `${archiveDir}/${part}`, skip);
  }
}

function readLock(repoDir: string): Lock {
  return (JSON.parse(readFileSync(join(repoDir, "package-lock.json"), "utf8")) as { packages?: Lock }).packages ?? {};
}

function packageName(repoDir: string, ws: string): string {
  return (JSON.parse(readFileSync(join(repoDir, ws, "package.json"), "utf8")) as { name: string }).name;
}

/** The full image: every package package-lock.json does not mark dev-only, and every workspace package. */
function fullImagePackages(lock: Lock): { packages: string[]; workspaces: string[] } {
  const production = Object.entries(lock).filter(([, meta]) => !meta.dev);
  const packages = production.filter(([path, meta]) => path.startsWith("node_modules/") && !meta.link).map(([p]) => p);
  const workspaces = production.filter(([path, meta]) => path.startsWith("node_modules/") && meta.link && meta.resolved?.startsWith("packages/")).map(([, meta]) => meta.resolved!);
  return { packages, workspaces };
}

/**
 * What `roots` (workspace folders) need at run time: their dependencies, found as Node finds them
 * (the nearest node_modules up the tree, as the lock file records where each copy is), and theirs.
 */
function closureOf(lock: Lock, roots: string[]): { packages: string[]; workspaces: string[] } {
  const packages = new Set<string>();
  const workspaces = new Set<string>();
  const pending = [...roots];
  for (const root of roots) workspaces.add(root);
  while (pending.length > 0) {
    const from = pending.pop()!;
    const meta = lock[from] ?? {};
    for (const name of [...Object.keys(meta.dependencies ?? {}), ...Object.keys(meta.optionalDependencies ?? {})]) {
      const found = locate(lock, from, name);
      if (!found) continue; // an optional dependency for another platform
      const target = lock[found]!.link ? lock[found]!.resolved! : found;
      const seen = lock[found]!.link ? workspaces : packages;
      if (seen.has(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return { packages: [...packages], workspaces: [...workspaces] };
}

function locate(lock: Lock, from: string, name: string): string | undefined {
  // A workspace package resolves from the root's node_modules, as its symlink there does.
  let dir = from.startsWith("packages/") ? "" : from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (!dir) return undefined;
    const at = dir.lastIndexOf("/node_modules/");
    dir = at < 0 ? "" : dir.slice(0, at);
  }
}

/** Installed package folders (`node_modules/…`) that the image of `flavor` holds, nested copies inside their parent's. */
export function productionPackages(repoDir: string, flavor: ImageFlavor = "full"): string[] {
  return selectPackages(repoDir, readLock(repoDir), flavor).packages;
}

function selectPackages(repoDir: string, lock: Lock, flavor: ImageFlavor): { packages: string[]; workspaces: string[] } {
  const { packages, workspaces } = flavor === "full" ? fullImagePackages(lock) : closureOf(lock, ["packages/sdk"]);
  // Optional platform packages (esbuild's binary for another OS) are in the lock but not on disk.
  const paths = packages.filter((p) => existsSync(join(repoDir, p)));
  return { packages: paths.filter((p) => !paths.some((parent) => parent !== p && p.startsWith(`${parent}/`))).sort(), workspaces: workspaces.sort() };
}

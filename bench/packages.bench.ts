// What a user installs: each package as npm publishes it (`npm pack`), installed into an empty
// project from those tarballs (third-party dependencies from the registry, production only), then
// its size on disk and package count. `@ecsflow/sdk` is what a flow image needs; `ecsflow` is the
// whole CLI, which has the same third-party dependencies as the single package before the split.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { report, type BenchRow } from "./support/report.js";

const REPO = resolve(import.meta.dirname, "..");
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}
const workspaces = readdirSync(join(REPO, "packages")).map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(REPO, "packages", dir, "package.json"), "utf8")) as Manifest }));

/** Bytes of every file under `dir` (symlinks not followed), and how many files. */
function diskUsage(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else {
        bytes += st.size;
        files++;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { bytes, files };
}

/** Our packages `name` needs, itself included. */
function ourClosure(name: string): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    const ws = workspaces.find((w) => w.manifest.name === n);
    for (const dep of Object.keys(ws?.manifest.dependencies ?? {})) if (dep === "ecsflow" || dep.startsWith("@ecsflow/")) visit(dep);
  };
  visit(name);
  return [...out];
}

const scratch = mkdtempSync(join(tmpdir(), "ecsflow-packages-bench-"));
try {
  const tarballs = join(scratch, "tarballs");
  mkdirSync(tarballs);
  // npm pack runs each package's `prepare`/`prepack` (none) and takes `files` (dist) as published.
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", tarballs, ...workspaces.flatMap((w) => ["-w", w.manifest.name])], REPO)) as { name: string; filename: string; size: number; unpackedSize: number }[];
  const tarballOf = (name: string) => join(tarballs, packed.find((p) => p.name === name)!.filename);

  const rows: BenchRow[] = [];
  const measured: Record<string, unknown> = {};
  for (const target of ["@ecsflow/sdk", "ecsflow"]) {
    const project = join(scratch, target.replace(/[@/]/g, "_"));
    mkdirSync(project);
    // Our packages from their tarballs (they are not on the registry); npm takes these for the
    // dependency edges between them, since the versions match.
    const ours = ourClosure(target);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "measure", private: true, dependencies: Object.fromEntries(ours.map((n) => [n, `file:${tarballOf(n)}`])) }, null, 2));
    // Install scripts off: better-sqlite3 would compile from source here (no prebuilt download);
    // its build adds what `node_modules/better-sqlite3/build` holds in the checkout.
    npm(["install", "--omit=dev", "--ignore-scripts"], project);
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/"));
    const thirdParty = installed.filter((p) => !/node_modules\/(ecsflow|@ecsflow\/[^/]+)$/.test(p));
    let usage = diskUsage(join(project, "node_modules"));
    if (existsSync(join(project, "node_modules/better-sqlite3"))) {
      const build = diskUsage(join(REPO, "node_modules/better-sqlite3/build"));
      usage = { bytes: usage.bytes + build.bytes, files: usage.files + build.files };
    }
    const hasServer = existsSync(join(project, "node_modules/fastify"));
    const hasAwsSdk = existsSync(join(project, "node_modules/@aws-sdk"));
    rows.push(
      { metric: "installed size (npm install --omit=dev)", variant: target, value: Math.round((usage.bytes / 1e6) * 10) / 10, unit: "MB" },
      { metric: "installed packages", variant: target, value: installed.length, unit: "packages" },
      { metric: "of which third-party", variant: target, value: thirdParty.length, unit: "packages" },
      { metric: "files on disk", variant: target, value: usage.files, unit: "files" },
    );
    measured[target] = { ours, installed: installed.length, thirdParty: thirdParty.length, bytes: usage.bytes, files: usage.files, fastify: hasServer, awsSdk: hasAwsSdk };
  }
  const sdk = measured["@ecsflow/sdk"] as { bytes: number; fastify: boolean; awsSdk: boolean };
  const cli = measured.ecsflow as { bytes: number };
  rows.push({ metric: "SDK install / CLI install", value: Math.round((sdk.bytes / cli.bytes) * 1000) / 1000, unit: "ratio", goal: "<= 0.5", met: sdk.bytes / cli.bytes <= 0.5 && !sdk.fastify && !sdk.awsSdk });
  for (const p of packed) rows.push({ metric: "tarball (npm pack)", variant: p.name, value: Math.round(p.size / 100) / 10, unit: "kB" });
  report("packages", rows, { measured, packed: packed.map((p) => ({ name: p.name, size: p.size, unpackedSize: p.unpackedSize })) });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

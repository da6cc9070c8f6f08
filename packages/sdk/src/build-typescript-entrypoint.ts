import { createHash } from "node:crypto";
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { loadSettings } from "@ecsflow/settings";
import { EntrypointError } from "./errors.js";

/**
 * TypeScript entrypoints, fast: esbuild's native binary bundles the entry file and its local
 * imports into one plain ES module, kept in `<entry folder>/.ecsflow/build/` under a hash of
 * every input's content. Node then imports plain JavaScript: no loader hooks, no off-thread
 * loader, no esbuild JS API. A hit costs a few small file reads; a miss one ~10 ms child process.
 * (tsx's loader took 0.9–2.8 s before the flow's first line; see bench/executor.bench.ts.)
 *
 * Why bundle and why there: relative imports (`./lib.js` meaning lib.ts, extensionless, `.ts`)
 * are resolved by esbuild, while package imports (`ecsflow`, npm packages) stay bare, so Node
 * resolves them from the output's folder exactly as from the entry's own folder (same
 * package.json scope, same node_modules chain) and the flow shares the executor's SDK instance.
 */

/** Bumped whenever the build options change, so older outputs are not reused. */
const BUILD_FORMAT = "2";

interface Manifest {
  format: string;
  /** Inputs relative to the entry's folder, as esbuild's metafile lists them (plus tsconfig). */
  inputs: string[];
}

/**
 * Returns the path of the entry's plain-JavaScript build, building it if no current one exists,
 * or undefined when this fast path is unavailable here (no esbuild binary for this platform, or
 * a read-only folder): the caller then falls back to tsx's loader. Compile errors throw.
 */
export async function buildTypeScriptEntrypoint(entryPath: string): Promise<string | undefined> {
  const dir = dirname(entryPath);
  const cacheDir = join(dir, ".ecsflow", "build");
  const stem = basename(entryPath).replace(/[^\w.-]/g, "_");
  const manifestPath = join(cacheDir, `${stem}.json`);

  const cached = currentOutput(dir, cacheDir, stem, manifestPath);
  if (cached) return cached;

  const binary = await esbuildBinary();
  if (!binary) return undefined;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Like .pytest_cache: the folder ignores itself, so builds never show up in `git status`.
    const gitignore = join(cacheDir, ".gitignore");
    if (!existsSync(gitignore)) writeFileSync(gitignore, "# ecsflow's TypeScript builds (rebuilt when needed)\n*\n");
    accessSync(cacheDir, constants.W_OK); // e.g. baked into an image by root, run as another user
  } catch {
    return undefined; // read-only image or folder: the slower loader still works
  }
  const tmp = join(cacheDir, `${stem}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const tmpOut = `${tmp}.mjs`;
  const tmpMeta = `${tmp}.meta.json`;
  try {
    await runEsbuild(binary, dir, [
      relative(dir, entryPath),
      "--bundle",
      "--format=esm",
      "--platform=node",
      `--target=node${process.versions.node}`,
      "--packages=external",
      // Stack traces point at the .ts lines (the executor enables source maps).
      "--sourcemap=inline",
      "--sources-content=false",
      // The bundle lives in .ecsflow/build/: import.meta names the entry file instead, computed
      // from the bundle's own URL so the build stays right when the project moves (built by
      // `ecsflow deploy` on a laptop, run from /app in an image).
      `--banner:js=${importMetaBanner(basename(entryPath))}`,
      "--define:import.meta.url=__ecsflowEntryUrl",
      "--define:import.meta.filename=__ecsflowEntryFile",
      "--define:import.meta.dirname=__ecsflowEntryDir",
      `--outfile=${tmpOut}`,
      `--metafile=${tmpMeta}`,
      "--log-level=error",
    ]);
    const meta = JSON.parse(readFileSync(tmpMeta, "utf8")) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    const tsconfig = nearestTsconfig(dir);
    if (tsconfig) inputs.push(relative(dir, tsconfig));
    const hash = hashInputs(dir, inputs);
    if (!hash) return undefined; // an input vanished mid-build; let the slow path decide
    const output = join(cacheDir, `${stem}-${hash}.mjs`);
    try {
      renameSync(tmpOut, output);
    } catch {
      return undefined; // the folder stopped accepting writes: the slower loader still works
    }
    try {
      // Written last and atomically: a concurrent executor sees the old manifest or the new one.
      writeFileSync(`${tmp}.json`, JSON.stringify({ format: BUILD_FORMAT, inputs } satisfies Manifest));
      renameSync(`${tmp}.json`, manifestPath);
      removeStaleOutputs(cacheDir, stem, output);
    } catch {
      // Without a manifest the next start builds again; this one can still use the output.
    }
    return output;
  } finally {
    for (const leftover of [tmpOut, tmpMeta, `${tmp}.json`]) rmSync(leftover, { force: true });
  }
}

function importMetaBanner(entryName: string): string {
  return [
    `import { fileURLToPath as __ecsflowToPath } from "node:url";`,
    `const __ecsflowEntryUrl = new URL(${JSON.stringify(`../../${encodeURIComponent(entryName)}`)}, import.meta.url).href;`,
    `const __ecsflowEntryFile = __ecsflowToPath(__ecsflowEntryUrl);`,
    `const __ecsflowEntryDir = __ecsflowToPath(new URL(".", __ecsflowEntryUrl)).replace(/[\\/]$/, "");`,
  ].join("\n");
}

/**
 * Older builds of the same entry, once nobody can still be about to import them (a concurrent
 * executor reads the manifest and imports within milliseconds; a minute is ample).
 */
function removeStaleOutputs(cacheDir: string, stem: string, keep: string): void {
  const cutoff = Date.now() - 60_000;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep || !(name.startsWith(`${stem}-`) && /^-[0-9a-f]{20}\.mjs$/.test(name.slice(stem.length)))) continue;
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // removed by another executor meanwhile
    }
  }
}

/** The output named by the manifest, if every input still has the content it was built from. */
function currentOutput(dir: string, cacheDir: string, stem: string, manifestPath: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.format !== BUILD_FORMAT || !Array.isArray(manifest.inputs)) return undefined;
  // A tsconfig.json that appeared since the build changes how the code compiles.
  const tsconfig = nearestTsconfig(dir);
  if (tsconfig && !manifest.inputs.includes(relative(dir, tsconfig))) return undefined;
  const hash = hashInputs(dir, manifest.inputs);
  if (!hash) return undefined;
  const output = join(cacheDir, `${stem}-${hash}.mjs`);
  return existsSync(output) ? output : undefined;
}

/** sha256 over each input's path and content (first 20 hex digits), or undefined if one is gone. */
function hashInputs(dir: string, inputs: string[]): string | undefined {
  const h = createHash("sha256").update(`${BUILD_FORMAT}\0${process.versions.node}\0`);
  for (const input of inputs) {
    let content: Buffer;
    try {
      content = readFileSync(resolve(dir, input));
    } catch {
      return undefined;
    }
    h.update(input).update("\0").update(content).update("\0");
  }
  return h.digest("hex").slice(0, 20);
}

function nearestTsconfig(dir: string): string | undefined {
  for (let d = dir; ; ) {
    const candidate = join(d, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(d);
    if (parent === d || basename(d) === "node_modules") return undefined;
    d = parent;
  }
}

async function runEsbuild(binary: string, cwd: string, args: string[]): Promise<void> {
  // Loaded only on a cache miss: a hit should not pay for it.
  const { spawn } = await import("node:child_process");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => reject(new EntrypointError(`esbuild could not start (${binary}): ${err.message}`, { cause: err })));
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else reject(new EntrypointError(`TypeScript build failed:\n${stderr.trim() || `esbuild exited with ${code}`}`));
    });
  });
}

/**
 * esbuild's native executable, found as esbuild's own JS API finds it: the `sdk.esbuild_binary`
 * setting (ESBUILD_BINARY_PATH), else the platform package (`@esbuild/linux-x64/bin/esbuild`, …),
 * else esbuild's `bin/esbuild` when install replaced its JS shim with the binary. Undefined when
 * none is usable.
 */
export async function esbuildBinary(): Promise<string | undefined> {
  const configured = loadSettings()["sdk.esbuild_binary"];
  if (configured) return existsSync(configured) ? configured : undefined;
  const { createRequire } = await import("node:module");
  let esbuildPackage: string;
  try {
    esbuildPackage = createRequire(import.meta.url).resolve("esbuild/package.json");
  } catch {
    return undefined;
  }
  const fromEsbuild = createRequire(esbuildPackage);
  const platformPackage = `@esbuild/${process.platform}-${process.arch}`;
  const subpath = process.platform === "win32" ? "esbuild.exe" : "bin/esbuild";
  try {
    return fromEsbuild.resolve(`${platformPackage}/${subpath}`);
  } catch {
    // fall through: some installs only have esbuild's own bin
  }
  const own = join(dirname(esbuildPackage), "bin", process.platform === "win32" ? "esbuild.exe" : "esbuild");
  try {
    // The JS shim starts with "#!"; the native binary does not.
    const head = Buffer.alloc(2);
    const fd = openSync(own, "r");
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    if (!head.equals(Buffer.from("#!"))) return own;
  } catch {
    // not installed
  }
  return undefined;
}

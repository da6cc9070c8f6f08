import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { candidateEngineAddresses, engineClient, findEngine, type EngineAddress } from "@ecsflow/ecs-local";
import { hostNodeBaseRootfs } from "./host-node-base.js";
import { runtimeImageContext, type ImageFlavor } from "./runtime-image-context.js";

export const DEFAULT_IMAGE_TAG = "ecsflow:local";

/** The label that records which build of ecsflow an image holds. */
export const BUILD_LABEL = "org.ecsflow.build";

export interface BuildRuntimeImageOptions {
  repoDir: string;
  /** @default "ecsflow:local" */
  tag?: string;
  /** `full` (the CLI, worker and server) or `sdk` (flow runs only: `ecsflow flow-run execute`). @default "full" */
  flavor?: ImageFlavor;
  /**
   * `auto`: node:<major>-bookworm-slim when present or pullable, else `host`. `host`: a base made
   * from this machine's Node.js. Anything else: that image. @default "auto"
   */
  base?: string;
  /** DOCKER_HOST-style address; else Docker's and Podman's usual sockets are tried. */
  engineHost?: string;
  /** The Node.js binary a `host` base copies. @default process.execPath */
  nodePath?: string;
  /** Progress lines (base choice, build steps). */
  onProgress?: (line: string) => void;
}

export interface BuiltImage {
  tag: string;
  imageId: string;
  base: string;
  sizeBytes: number;
  contextFiles: number;
  contextBytes: number;
  productionPackages: number;
  engine: string;
}

/** An error worth showing as it is (no engine, a failed build step), without a stack trace. */
export class ImageBuildError extends Error {
  override readonly name = "ImageBuildError";
}

/** Connects to the first engine that answers, as ecs-local's `--runtime docker` does. */
export async function connectEngine(engineHost: string | undefined): Promise<{ docker: Docker; address: EngineAddress }> {
  const candidates = candidateEngineAddresses(engineHost, process.getuid?.());
  const address = await findEngine(engineHost ? candidates.slice(0, 1) : candidates);
  if (!address) {
    throw new ImageBuildError(
      `No container engine answers at ${candidates.map((c) => c.display).join(", ")}. Start Docker or Podman's service (podman system service --time=0 unix:///run/podman/podman.sock), or point --engine-host (DOCKER_HOST) at one.`,
    );
  }
  return { docker: engineClient(address), address };
}

/**
 * Builds the runtime image through the engine's API: picks the base (making one from the host's
 * Node.js where no registry answers), sends the Containerfile with this build and its production
 * dependencies as context, and follows the build's output.
 */
export async function buildRuntimeImage(options: BuildRuntimeImageOptions): Promise<BuiltImage> {
  return buildWith(await connectEngine(options.engineHost), options);
}

async function buildWith({ docker, address }: { docker: Docker; address: EngineAddress }, options: BuildRuntimeImageOptions): Promise<BuiltImage> {
  const progress = options.onProgress ?? (() => undefined);
  const tag = options.tag ?? DEFAULT_IMAGE_TAG;
  progress(`engine: ${address.display}`);
  const base = await resolveBase(docker, options.base ?? "auto", options.nodePath ?? process.execPath, progress);
  const context = runtimeImageContext(options.repoDir, options.flavor ?? "full");
  progress(`building ${tag} from ${base}`);
  const stream = (await docker.buildImage(context.tar.stream as unknown as NodeJS.ReadableStream, {
    t: tag,
    dockerfile: "Containerfile",
    buildargs: { BASE_IMAGE: base },
    labels: { [BUILD_LABEL]: buildFingerprint(options.repoDir, options.flavor ?? "full") },
    // Podman caches layers by content; the context changes with every build of ecsflow anyway.
    rm: true,
    forcerm: true,
  } as Docker.ImageBuildOptions)) as Readable;
  await followJson(docker, stream, (event) => {
    const text = (event.stream ?? "").trimEnd();
    if (text) for (const line of text.split("\n")) progress(line);
  });
  const info = await docker.getImage(tag).inspect().catch(() => undefined);
  if (!info) throw new ImageBuildError(`The engine finished the build but has no image ${tag}.`);
  const summary = context.summary();
  return {
    tag,
    imageId: info.Id,
    base,
    sizeBytes: info.Size,
    contextFiles: summary.files,
    contextBytes: summary.bytes,
    productionPackages: summary.productionPackages,
    engine: address.display,
  };
}

/**
 * Which build of ecsflow is installed: a digest of the names, sizes and times of what goes into the
 * image, so a rebuilt checkout gets a new image and an unchanged one reuses the last.
 */
export function buildFingerprint(repoDir: string, flavor: ImageFlavor = "full"): string {
  const hash = createHash("sha256");
  hash.update(`${flavor}\n`);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (name !== ".ecsflow") walk(p);
      } else hash.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const ws of readdirSync(join(repoDir, "packages")).sort()) {
    for (const part of ["dist", "bin", "examples"]) if (existsSync(join(repoDir, "packages", ws, part))) walk(join(repoDir, "packages", ws, part));
  }
  for (const file of ["package-lock.json", "Containerfile"]) {
    const p = join(repoDir, file);
    if (existsSync(p)) hash.update(`${p}\0${statSync(p).size}\0${statSync(p).mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 32);
}

/** Builds the runtime image unless the engine already has it for this very build. */
export async function ensureRuntimeImage(options: BuildRuntimeImageOptions): Promise<{ tag: string; built: boolean }> {
  const tag = options.tag ?? DEFAULT_IMAGE_TAG;
  const engine = await connectEngine(options.engineHost);
  const info = await engine.docker.getImage(tag).inspect().catch(() => undefined);
  if (info?.Config?.Labels?.[BUILD_LABEL] === buildFingerprint(options.repoDir, options.flavor ?? "full")) return { tag, built: false };
  await buildWith(engine, options);
  return { tag, built: true };
}

/** Makes sure the base image is there (pulled, or made from the host's Node.js) and returns its name. */
export async function prepareBaseImage(options: Pick<BuildRuntimeImageOptions, "base" | "engineHost" | "nodePath" | "onProgress">): Promise<string> {
  const { docker } = await connectEngine(options.engineHost);
  return resolveBase(docker, options.base ?? "auto", options.nodePath ?? process.execPath, options.onProgress ?? (() => undefined));
}

/** The base image to build on, making the host one when asked (or when `auto` finds nothing). */
async function resolveBase(docker: Docker, base: string, nodePath: string, progress: (line: string) => void): Promise<string> {
  if (base !== "auto" && base !== "host") {
    if (!(await present(docker, base))) {
      progress(`pulling ${base}`);
      try {
        await pull(docker, base);
      } catch (err) {
        throw new ImageBuildError(`Cannot pull the base image ${base}: ${(err as Error).message}. Use --base host to build one from this machine's Node.js.`);
      }
    }
    return base;
  }
  if (base === "auto") {
    const official = `docker.io/library/node:${process.versions.node.split(".")[0]}-bookworm-slim`;
    if (await present(docker, official)) return official;
    try {
      progress(`pulling ${official}`);
      await pull(docker, official);
      return official;
    } catch {
      progress(`${official} cannot be pulled here; making a base from this machine's Node.js ${process.version}`);
    }
  }
  const hostTag = `localhost/ecsflow-base:node${process.versions.node}`;
  if (await present(docker, hostTag)) return hostTag;
  progress(`making ${hostTag} from ${nodePath} and its libraries`);
  const rootfs = hostNodeBaseRootfs(nodePath);
  const [repo, version] = hostTag.split(":");
  // Docker reads the tag from `repo` or `tag`; Podman's compatible API only from `repo`.
  const stream = (await docker.importImage(rootfs.stream as unknown as NodeJS.ReadableStream, { repo: hostTag } as never)) as unknown as Readable;
  await followJson(docker, stream, () => undefined);
  if (!(await present(docker, hostTag)) && (await present(docker, `${repo}:latest`))) await docker.getImage(`${repo}:latest`).tag({ repo, tag: version });
  if (!(await present(docker, hostTag))) throw new ImageBuildError(`The engine did not keep the imported base ${hostTag}.`);
  return hostTag;
}

async function present(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

async function pull(docker: Docker, image: string): Promise<void> {
  const stream = (await docker.pull(image)) as Readable;
  await followJson(docker, stream, () => undefined);
  if (!(await present(docker, image))) throw new Error(`the engine has no ${image} after the pull`);
}

/** Follows a JSON progress stream; an `error` event rejects with the engine's words. */
function followJson(docker: Docker, stream: Readable, onEvent: (event: { stream?: string; error?: string }) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(new ImageBuildError(err.message.trim())) : resolve()),
      (event: { stream?: string; error?: string }) => onEvent(event),
    );
  });
}

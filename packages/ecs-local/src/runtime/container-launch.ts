import type { ImageMapping } from "../options.js";

export interface ContainerLaunch {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface ContainerLaunchInput {
  image: string;
  entryPoint?: string[];
  command?: string[];
  workingDirectory?: string;
  /** Task definition `environment`, then the override's, then resolved `secrets`: later wins. */
  environments: Record<string, string>[];
}

export interface ContainerLaunchOptions {
  images: ImageMapping[];
  commandAliases: Record<string, string[]>;
  defaultWorkingDirectory: string;
  hostEnv: Record<string, string>;
  /** What the ECS agent adds (AWS_REGION, AWS_ENDPOINT_URL, …). */
  agentEnv: Record<string, string>;
}

/** The first mapping whose pattern matches the whole image name; `*` matches any run of characters. */
export function findImageMapping(image: string, images: ImageMapping[]): ImageMapping | undefined {
  return images.find((m) => new RegExp(`^${m.image.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(image));
}

/**
 * Docker's rules, with an image mapping standing in for the image's own ENTRYPOINT, CMD, WORKDIR
 * and ENV: a task definition `entryPoint` replaces the image's and drops its default CMD; a
 * `command` (task definition, or the RunTask override) replaces the default CMD. The executable is
 * then rewritten through `commandAliases` (e.g. `ecsflow` → `node …/bin/ecsflow.js`).
 * Returns undefined when there is nothing to run.
 */
export function resolveContainerLaunch(input: ContainerLaunchInput, options: ContainerLaunchOptions): ContainerLaunch | undefined {
  const mapping = findImageMapping(input.image, options.images);
  const entryPoint = input.entryPoint ?? mapping?.entryPoint ?? [];
  const command = input.command ?? (input.entryPoint ? [] : (mapping?.command ?? []));
  const argv = [...entryPoint, ...command];
  if (argv.length === 0) return undefined;
  const alias = options.commandAliases[argv[0]];
  const resolved = alias ? [...alias, ...argv.slice(1)] : argv;
  const env: Record<string, string> = { ...options.hostEnv, ...options.agentEnv, ...(mapping?.environment ?? {}) };
  for (const layer of input.environments) Object.assign(env, layer);
  return { argv: resolved, cwd: input.workingDirectory ?? mapping?.workingDirectory ?? options.defaultWorkingDirectory, env };
}

import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";

interface BuildFlags {
  tag?: string;
  base: string;
  engineHost?: string;
  sdkOnly?: boolean;
  json?: boolean;
}

/** `ecsflow image …`: the runtime image that ECS tasks (the worker, every flow run) start from. */
export function registerImage(program: Command): void {
  const image = program.command("image").description("The ecsflow runtime image (worker and flow runs), built through a container engine's API");
  image
    .command("build")
    .description("Build the runtime image from this installation (production dependencies only, non-root user) through Docker or Podman")
    .option("--tag <tag>", "image name and tag (default: ecsflow:local; ecsflow-flow:local with --sdk-only)")
    .option("--base <image>", "base image: auto (node:<major>-bookworm-slim if present or pullable, else host), host (made from this machine's Node.js; no registry needed) or an image name", "auto")
    .option("--engine-host <address>", "container engine address, e.g. unix:///run/podman/podman.sock (env DOCKER_HOST; default: Docker's, then Podman's socket)")
    .option("--sdk-only", "a flow-run image: only @ecsflow/sdk and what it needs (`ecsflow flow-run execute`), without the CLI, server, worker and AWS SDK")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nThen use it: ecsflow ecs provision --image ecsflow:local …, or an `ecs` pool's `image` job variable (an --sdk-only image runs flows, not the worker).")
    .action(async (flags: BuildFlags) => {
      const out = createOutput(Boolean(flags.json));
      const { buildRuntimeImage, ImageBuildError } = await import("@ecsflow/image");
      const repoDir = fileURLToPath(new URL("../../../../../", import.meta.url));
      const started = Date.now();
      let built;
      try {
        built = await buildRuntimeImage({
          repoDir,
          tag: flags.tag ?? (flags.sdkOnly ? "ecsflow-flow:local" : "ecsflow:local"),
          flavor: flags.sdkOnly ? "sdk" : "full",
          base: flags.base,
          engineHost: flags.engineHost ?? (process.env.DOCKER_HOST || undefined),
          // Build steps are progress: stderr, so that --json stays parseable.
          onProgress: (line) => out.warn(line),
        });
      } catch (err) {
        if (err instanceof ImageBuildError || (err instanceof Error && /missing: run `npm install`|needs a Linux host|ldd/.test(err.message))) {
          throw new CliError(err.message, err.message.startsWith("No container engine") ? ExitCode.Unreachable : ExitCode.Rejected, { cause: err });
        }
        throw err;
      }
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      out.result({ ...built, seconds }, () => {
        out.info(`Built ${built.tag} (${(built.sizeBytes / 1e6).toFixed(0)} MB, base ${built.base}, ${built.productionPackages} production packages) in ${seconds} s.`);
        out.info(`  Run a flow in it:  an \`ecs\` pool with job variable image=${built.tag}`);
      });
    });
}

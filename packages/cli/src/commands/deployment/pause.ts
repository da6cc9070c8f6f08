import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { resolveDeployment } from "./resolve-deployment.js";

function registerPausedSetter(parent: Command, verb: "pause" | "resume"): void {
  const paused = verb === "pause";
  withApiOptions(
    parent
      .command(verb)
      .description(paused ? "Pause a deployment: its schedules make no new runs until it is resumed" : "Resume a paused deployment's schedules")
      .argument("<deployment>", "FLOW/DEPLOYMENT or id"),
  ).action(async (ref: string, flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const deployment = await resolveDeployment(client, ref);
    await client.updateDeployment(deployment.id, { paused });
    const updated = await client.readDeployment(deployment.id);
    out.result(updated, () => out.info(`${paused ? "Paused" : "Resumed"} deployment "${ref}".`));
  });
}

export const registerDeploymentPause = (parent: Command) => registerPausedSetter(parent, "pause");
export const registerDeploymentResume = (parent: Command) => registerPausedSetter(parent, "resume");

import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { printDetails } from "../../print-details.js";
import { resolveDeployment } from "./resolve-deployment.js";

export function registerDeploymentInspect(parent: Command): void {
  withApiOptions(parent.command("inspect").description("Show a deployment").argument("<deployment>", "FLOW/DEPLOYMENT or id")).action(async (ref: string, flags: ApiFlags) => {
    const deployment = await resolveDeployment(clientFromSettings(flags), ref);
    await printDetails(createOutput(Boolean(flags.json)), deployment);
  });
}

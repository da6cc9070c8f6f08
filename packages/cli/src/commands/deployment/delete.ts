import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { resolveDeployment } from "./resolve-deployment.js";

export function registerDeploymentDelete(parent: Command): void {
  withApiOptions(parent.command("delete").description("Delete a deployment (its past runs stay)").argument("<deployment>", "FLOW/DEPLOYMENT or id")).action(
    async (ref: string, flags: ApiFlags) => {
      const out = createOutput(Boolean(flags.json));
      const client = clientFromSettings(flags);
      const deployment = await resolveDeployment(client, ref);
      await client.deleteDeployment(deployment.id);
      out.result({ deleted: "deployment", id: deployment.id, name: ref }, () => out.info(`Deleted deployment "${ref}".`));
    },
  );
}

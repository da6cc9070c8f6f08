import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { printDetails } from "../../print-details.js";
import { POOL_HINT } from "./describe-pool.js";

export function registerWorkPoolInspect(parent: Command): void {
  withApiOptions(parent.command("inspect").description("Show a work pool, its base job template included").argument("<name>", "work pool name")).action(
    async (name: string, flags: ApiFlags) => {
      const pool = await orNotFound(clientFromSettings(flags).readWorkPool(name), `Work pool "${name}"`, POOL_HINT);
      await printDetails(createOutput(Boolean(flags.json)), pool);
    },
  );
}

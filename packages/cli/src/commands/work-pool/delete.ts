import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { POOL_HINT } from "./describe-pool.js";

export function registerWorkPoolDelete(parent: Command): void {
  withApiOptions(parent.command("delete").description("Delete a work pool with its queues and workers").argument("<name>", "work pool name")).action(
    async (name: string, flags: ApiFlags) => {
      const out = createOutput(Boolean(flags.json));
      await orNotFound(clientFromSettings(flags).deleteWorkPool(name), `Work pool "${name}"`, POOL_HINT);
      out.result({ deleted: "work_pool", name }, () => out.info(`Deleted work pool "${name}".`));
    },
  );
}

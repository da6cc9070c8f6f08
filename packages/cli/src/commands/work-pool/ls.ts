import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { POOL_COLUMNS, poolRow } from "./describe-pool.js";

export function registerWorkPoolLs(parent: Command): void {
  withApiOptions(parent.command("ls").description("List work pools")).action(async (flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const pools = await clientFromSettings(flags).filterWorkPools({});
    out.result(pools, () => out.table(pools.map(poolRow), POOL_COLUMNS));
  });
}

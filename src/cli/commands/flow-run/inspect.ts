import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { printDetails } from "../../print-details.js";
import { resolveFlowRun } from "./resolve-flow-run.js";

export function registerFlowRunInspect(parent: Command): void {
  withApiOptions(parent.command("inspect").description("Show a flow run: state, parameters, job variables, times").argument("<run>", "flow run id or name")).action(
    async (ref: string, flags: ApiFlags) => {
      const run = await resolveFlowRun(clientFromSettings(flags), ref);
      await printDetails(createOutput(Boolean(flags.json)), run);
    },
  );
}

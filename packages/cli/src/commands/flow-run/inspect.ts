import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { ObjectNotFoundError, type EcsflowClient } from "@ecsflow/client";
import type { RunCost } from "@ecsflow/schemas";
import { createOutput } from "../../output.js";
import { printDetails } from "../../print-details.js";
import { resolveFlowRun } from "./resolve-flow-run.js";

export function registerFlowRunInspect(parent: Command): void {
  withApiOptions(parent.command("inspect").description("Show a flow run: state, parameters, job variables, times").argument("<run>", "flow run id or name")).action(
    async (ref: string, flags: ApiFlags) => {
      const client = clientFromSettings(flags);
      const run = await resolveFlowRun(client, ref);
      await printDetails(createOutput(Boolean(flags.json)), { ...run, cost: await runCost(client, run.id) });
    },
  );
}

/** The run's ECS cost, or null when none was recorded (not ECS, still running, or a server without costs). */
async function runCost(client: EcsflowClient, id: string): Promise<RunCost | null> {
  try {
    return await client.request<RunCost>("GET", `/ecsflow/flow_runs/${encodeURIComponent(id)}/cost`);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

import type { Command } from "commander";
import { TERMINAL_STATE_TYPES } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { resolveFlowRun } from "./resolve-flow-run.js";

export function registerFlowRunRetry(parent: Command): void {
  withApiOptions(
    parent
      .command("retry")
      .description("Run a finished flow run of a deployment again: it is rescheduled (same id, parameters and job variables) for a worker to pick up, as in Prefect")
      .argument("<run>", "flow run id or name"),
  ).action(async (ref: string, flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const run = await resolveFlowRun(client, ref);
    if (!run.state_type || !TERMINAL_STATE_TYPES.includes(run.state_type)) {
      throw new CliError(
        `Flow run '${run.name}' (${run.id}) is ${run.state_type ?? "without a state"}; only finished runs (${TERMINAL_STATE_TYPES.join(", ")}) can be retried.`,
        ExitCode.Rejected,
      );
    }
    if (!run.deployment_id) {
      throw new CliError(`Flow run '${run.name}' (${run.id}) has no deployment, so no worker can run it again; run its flow script again instead.`, ExitCode.Rejected);
    }
    // Prefect's `flow-run retry` forces the run back to SCHEDULED: a finished state cannot be left otherwise.
    const result = await client.setFlowRunState(run.id, { type: "SCHEDULED", name: "Scheduled", message: "Retried with `ecsflow flow-run retry`." }, { force: true });
    if (result.status !== "ACCEPT") {
      const reason = "reason" in result.details ? result.details.reason : null;
      throw new CliError(`Flow run '${run.name}' (${run.id}) could not be retried: ${reason ?? result.status}.`, ExitCode.Rejected);
    }
    const after = await client.readFlowRun(run.id);
    out.result(after, () => out.info(`Rescheduled flow run '${after.name}' (${after.id}); a worker of work pool "${after.work_pool_name ?? "?"}" will run it again.`));
  });
}

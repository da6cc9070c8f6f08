import type { Command } from "commander";
import { TERMINAL_STATE_TYPES } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { resolveFlowRun } from "./resolve-flow-run.js";

export function registerFlowRunCancel(parent: Command): void {
  withApiOptions(
    parent
      .command("cancel")
      .description("Cancel a flow run: one not started yet (SCHEDULED, PAUSED) ends CANCELLED at once; a started one goes CANCELLING and its worker stops it")
      .argument("<run>", "flow run id or name"),
  ).action(async (ref: string, flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const run = await resolveFlowRun(client, ref);
    if (run.state_type && TERMINAL_STATE_TYPES.includes(run.state_type)) {
      throw new CliError(`Flow run '${run.name}' (${run.id}) has already ended ${run.state_type}; there is nothing to cancel.`, ExitCode.Rejected);
    }
    // A run no worker has taken has no infrastructure to stop, so it can end right away (as
    // Prefect's UI does); a taken one must go through CANCELLING so its worker kills the task.
    const notStarted = run.state_type === "SCHEDULED" || run.state_type === "PAUSED";
    const result = await client.setFlowRunState(run.id, notStarted ? { type: "CANCELLED", message: "Cancelled with `ecsflow flow-run cancel`." } : { type: "CANCELLING", message: "Cancellation requested with `ecsflow flow-run cancel`." });
    if (result.status !== "ACCEPT") {
      const reason = "reason" in result.details ? result.details.reason : null;
      throw new CliError(`Flow run '${run.name}' (${run.id}) could not be cancelled: ${reason ?? result.status}.`, ExitCode.Rejected);
    }
    const after = await client.readFlowRun(run.id);
    out.result(after, () =>
      out.info(
        after.state_type === "CANCELLED"
          ? `Cancelled flow run '${after.name}' (${after.id}).`
          : `Flow run '${after.name}' (${after.id}) is CANCELLING; its worker stops the infrastructure and marks it CANCELLED.`,
      ),
    );
  });
}

import { setFlowRunState } from "../api/flow-runs";
import type { FlowRun } from "../api/types";
import { TERMINAL_STATE_TYPES } from "../api/types";

export const canCancel = (run: Pick<FlowRun, "state_type">) => !!run.state_type && !TERMINAL_STATE_TYPES.includes(run.state_type) && run.state_type !== "CANCELLING";

/**
 * Asks the server to cancel a run. A scheduled run has nothing running yet, so it goes straight to
 * CANCELLED; anything else goes to CANCELLING, and its worker stops the infrastructure and ends it.
 * Returns null when accepted, else the server's reason in words.
 */
export async function cancelRun(run: Pick<FlowRun, "id" | "name" | "state_type">): Promise<string | null> {
  const direct = run.state_type === "SCHEDULED";
  const result = await setFlowRunState(run.id, direct ? "CANCELLED" : "CANCELLING", direct ? "Cancelled" : "Cancelling", "Cancelled from the web UI");
  if (result.status === "ACCEPT") return null;
  return `${run.name}: the server did not cancel it (${result.status.toLowerCase()}${result.details.reason ? `: ${result.details.reason}` : ""}).`;
}

import type { OrchestrationResult, State } from "../../schemas/index.js";
import type { Database } from "../database/index.js";
import { ObjectNotFoundError } from "../errors.js";
import { parseJson } from "../models/json-columns.js";
import { toTimestamp } from "../timestamps.js";
import { setRunState } from "./set-run-state.js";

const NOT_PAUSED = "Cannot resume a flow run that is not paused.";

/**
 * Prefect's `POST /flow_runs/{id}/resume`: a PAUSED run is proposed RUNNING again, or, when its
 * pause rescheduled it, SCHEDULED "Resuming" for a worker to start; the pause rules decide (a
 * pause past its timeout ends the run FAILED instead). Any other run is answered ABORT. A pause
 * that waits for input (`run_input_keyset`) is rejected: ecsflow keeps no flow run inputs, so
 * there is no schema to check the input against, as Prefect answers when the schema is missing.
 */
export async function resumeFlowRun(database: Database, flowRunId: string): Promise<OrchestrationResult> {
  const row = await database.db.selectFrom("flow_run").select("state").where("id", "=", flowRunId).executeTakeFirst();
  if (!row) throw new ObjectNotFoundError("Flow run not found");
  const state = parseJson<State | null>(row.state, null);
  if (state?.type !== "PAUSED") return { state: null, status: "ABORT", details: { type: "abort_details", reason: NOT_PAUSED } };
  if (state.state_details.run_input_keyset) {
    return { state, status: "REJECT", details: { type: "reject_details", reason: "Run input schema not found." } };
  }
  const proposal = state.state_details.pause_reschedule
    ? { type: "SCHEDULED" as const, name: "Resuming", state_details: { scheduled_time: toTimestamp(Date.now()) } }
    : { type: "RUNNING" as const };
  // The run must still be PAUSED when the proposal is decided: a resume racing another
  // transition (a second resume, a cancel) is answered as if it came after it.
  const result = await setRunState(database, { kind: "flow_run", runId: flowRunId, state: proposal, expectedStateType: "PAUSED" });
  if (result.status === "ABORT" && result.state?.type !== "PAUSED") return { state: null, status: "ABORT", details: { type: "abort_details", reason: NOT_PAUSED } };
  return result;
}

import type { OrchestrationResult, State } from "@ecsflow/schemas";
import type { Database } from "../database/index.js";
import { ObjectNotFoundError } from "../errors.js";
import { parseJson } from "../models/shared/json-columns.js";
import { newId } from "../ids.js";
import { readFlowRunInput } from "../models/flow-runs/inputs.js";
import { checkRunInput } from "../models/flow-runs/run-input-schema.js";
import { nowTimestamp, toTimestamp } from "../timestamps.js";
import type { TransitionSideEffect } from "./transition-context.js";
import { setRunState } from "./set-run-state.js";

const NOT_PAUSED = "Cannot resume a flow run that is not paused.";

/**
 * Prefect's `POST /flow_runs/{id}/resume`: a PAUSED run is proposed RUNNING again, or, when its
 * pause rescheduled it, SCHEDULED "Resuming" for a worker to start; the pause rules decide (a
 * pause past its timeout ends the run FAILED instead). Any other run is answered ABORT. A pause
 * that waits for input (`run_input_keyset`) resumes only with `run_input` matching the schema the
 * flow stored under the keyset's `schema` key; the input is then stored under its `response` key
 * in the same transaction as the state, so a flow never resumes without its input, nor the other way.
 */
export async function resumeFlowRun(database: Database, flowRunId: string, runInput?: Record<string, unknown> | null): Promise<OrchestrationResult> {
  const row = await database.db.selectFrom("flow_run").select("state").where("id", "=", flowRunId).executeTakeFirst();
  if (!row) throw new ObjectNotFoundError("Flow run not found");
  const state = parseJson<State | null>(row.state, null);
  if (state?.type !== "PAUSED") return { state: null, status: "ABORT", details: { type: "abort_details", reason: NOT_PAUSED } };
  const keyset = state.state_details.run_input_keyset;
  let storeInput: ((next: State) => TransitionSideEffect | null) | undefined;
  if (keyset) {
    const reject = (reason: string): OrchestrationResult => ({ state, status: "REJECT", details: { type: "reject_details", reason } });
    const input = runInput ?? {};
    const schema = keyset.schema === undefined ? undefined : await readFlowRunInput(database, flowRunId, keyset.schema);
    if (!schema) return reject("Run input schema not found.");
    const check = checkRunInput(schema.value, input);
    if (!check.ok) return reject(check.reason);
    if (keyset.response === undefined) return reject("The pause names no key for the run input.");
    storeInput = (next) => (next.type === proposalType(state) ? storeRunInput(flowRunId, keyset.response!, JSON.stringify(input)) : null);
  }
  const proposal = state.state_details.pause_reschedule
    ? { type: "SCHEDULED" as const, name: "Resuming", state_details: { scheduled_time: toTimestamp(Date.now()) } }
    : { type: "RUNNING" as const };
  // The run must still be PAUSED when the proposal is decided: a resume racing another
  // transition (a second resume, a cancel) is answered as if it came after it.
  const result = await setRunState(database, { kind: "flow_run", runId: flowRunId, state: proposal, expectedStateType: "PAUSED", ...(storeInput ? { onWrite: storeInput } : {}) });
  if (result.status === "ABORT" && result.state?.type !== "PAUSED") return { state: null, status: "ABORT", details: { type: "abort_details", reason: NOT_PAUSED } };
  return result;
}

const proposalType = (paused: State) => (paused.state_details.pause_reschedule ? "SCHEDULED" : "RUNNING");

/** The resume's input, written with the state; a response stored by an earlier resume of the same pause is replaced. */
function storeRunInput(flowRunId: string, key: string, value: string): TransitionSideEffect {
  return async (trx) => {
    const now = nowTimestamp();
    await trx
      .insertInto("flow_run_input")
      .values({ id: newId(), created: now, updated: now, flow_run_id: flowRunId, key, value, sender: null })
      .onConflict((oc) => oc.columns(["flow_run_id", "key"]).doUpdateSet({ value, updated: now }))
      .execute();
    return true;
  };
}

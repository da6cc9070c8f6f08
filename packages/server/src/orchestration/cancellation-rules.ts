import { completeStateDetails } from "./proposed-state.js";
import { ANY_STATE, type OrchestrationRule } from "./orchestration-rule.js";

/**
 * A run being cancelled has infrastructure a worker is stopping; the only way on is CANCELLED
 * (a late RUNNING or COMPLETED report from the run itself must not undo the cancellation).
 */
export const EnforceCancellingToCancelledTransition: OrchestrationRule = {
  name: "EnforceCancellingToCancelledTransition",
  fromStates: ["CANCELLING"],
  toStates: ANY_STATE.filter((type) => type !== "CANCELLED" && type !== null),
  beforeTransition(ctx) {
    ctx.reject(null, "Cannot transition flow runs that are cancelling to a state other than Cancelled.");
  },
};

/**
 * A run nobody has launched has nobody to finish a CANCELLING state: a SCHEDULED (or PAUSED)
 * run without an `infrastructure_pid` is cancelled at once, as in Prefect. A PENDING run is
 * deliberately not bypassed even without a pid: a worker has claimed it and may be launching it
 * right now (the pid is recorded only once the task started); CANCELLING lets that worker stop
 * what it launched (it watches for CANCELLING), where CANCELLED would let the launch run unseen.
 * A PENDING run whose worker died is finished by the cancellation-cleanup service.
 */
export const BypassCancellingFlowRunsWithNoInfra: OrchestrationRule = {
  name: "BypassCancellingFlowRunsWithNoInfra",
  fromStates: ["SCHEDULED", "PAUSED"],
  toStates: ["CANCELLING"],
  beforeTransition(ctx) {
    const initial = ctx.initialState;
    const proposed = ctx.proposedState;
    if (!initial || !proposed || ("infrastructure_pid" in ctx.run && ctx.run.infrastructure_pid)) return;
    const what = initial.type === "SCHEDULED" ? "Scheduled" : "Paused";
    const reason = `${what} flow run has no infrastructure running.`;
    ctx.reject({ type: "CANCELLED", name: "Cancelled", message: proposed.message ?? reason, data: null, state_details: completeStateDetails({}) }, reason);
  },
};

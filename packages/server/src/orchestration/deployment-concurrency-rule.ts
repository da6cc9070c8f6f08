import type { Kysely } from "kysely";
import type { DB } from "../database/index.js";
import { toTimestamp } from "../timestamps.js";
import { completeStateDetails } from "./proposed-state.js";
import type { OrchestrationRule } from "./orchestration-rule.js";

/**
 * The states that hold one of a deployment's concurrency slots. A slot is not a row of its own:
 * the slots in use are the deployment's runs in these states, so leaving them releases the slot
 * in the same write, and a deleted run can never leak one.
 */
export const SLOT_HOLDING_STATES = ["PENDING", "RUNNING", "CANCELLING"] as const;

/** The deployment's runs holding a slot, other than `exceptRunId` (indexed: deployment_id, state_type). */
export async function countSlotsInUse(db: Kysely<DB>, deploymentId: string, exceptRunId?: string): Promise<number> {
  let query = db
    .selectFrom("flow_run")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("deployment_id", "=", deploymentId)
    .where("state_type", "in", [...SLOT_HOLDING_STATES]);
  if (exceptRunId) query = query.where("id", "!=", exceptRunId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Prefect's SecureFlowConcurrencySlots: a run of a deployment with a `concurrency_limit` may
 * become PENDING only while a slot is free. Otherwise, by the deployment's collision strategy,
 * ENQUEUE (the default) reschedules it as AwaitingConcurrencySlot a configurable wait from now,
 * CANCEL_NEW cancels it. The count here is a cheap first look; the writer counts again inside the
 * write (with the deployment locked on PostgreSQL), so racing claims can never exceed the limit.
 * Runs without a limited deployment pay nothing: the limit came with the run in one query.
 */
export const SecureFlowConcurrencySlots: OrchestrationRule = {
  name: "SecureFlowConcurrencySlots",
  fromStates: [null, "SCHEDULED", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED"],
  toStates: ["PENDING"],
  async beforeTransition(ctx) {
    const limit = ctx.deployment?.concurrencyLimit;
    const deploymentId = "deployment_id" in ctx.run ? ctx.run.deployment_id : null;
    if (limit === null || limit === undefined || !deploymentId) return;
    const inUse = await countSlotsInUse(ctx.db, deploymentId, ctx.run.id);
    if (inUse < limit) {
      ctx.slotLimit = { deploymentId, limit };
      return;
    }
    const reason = "Deployment concurrency limit reached.";
    if (ctx.deployment?.collisionStrategy === "CANCEL_NEW") {
      ctx.reject({ type: "CANCELLED", name: "Cancelled", message: reason, data: null, state_details: completeStateDetails({}) }, reason);
      return;
    }
    const retryAt = toTimestamp(ctx.now + ctx.settings.deploymentConcurrencySlotWaitSeconds * 1000);
    ctx.reject({ type: "SCHEDULED", name: "AwaitingConcurrencySlot", message: null, data: null, state_details: completeStateDetails({ scheduled_time: retryAt }) }, reason);
  },
};
